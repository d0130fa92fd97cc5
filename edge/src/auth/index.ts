export { AccessTokens, type AccessClaims } from './access-tokens.js';
export { AuthService, toPublicUser, type AuthPolicy, type NewUser, type PublicUser, type TokenPair, type UserPatch } from './auth-service.js';
export { PasswordHasher, DEFAULT_PASSWORD_COST, type PasswordCost } from './passwords.js';
