import { h } from 'preact';
import htm from 'htm';

/** Tagged-template JSX for Preact: no compile step beyond bundling. */
export const html = htm.bind(h);
