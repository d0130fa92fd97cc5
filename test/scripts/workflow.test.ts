import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/run.js';

const workflow = parse(readFileSync(join(REPO, '.github/workflows/deploy.yml'), 'utf8'), { uniqueKeys: true }) as Record<string, any>;
const jobs = workflow['jobs'] as Record<string, any>;
const steps = (job: string): string => JSON.stringify(jobs[job].steps);

describe('the deploy workflow', () => {
  it('runs on pushes to main and by hand', () => {
    expect(workflow['on'].push.branches).toEqual(['main']);
    expect(workflow['on']).toHaveProperty('workflow_dispatch');
  });

  it('builds, tests, pushes, then deploys to staging and then production, in that order', () => {
    expect(jobs['images'].needs).toBe('test');
    expect(jobs['deploy-staging'].needs).toBe('images');
    expect(jobs['deploy-production'].needs).toBe('deploy-staging');
    expect(steps('test')).toContain('npm test');
    expect(steps('images')).toContain('docker/build-push-action');
    expect(jobs['images'].strategy.matrix.include.map((m: { image: string }) => m.image)).toEqual(['cloud', 'edge', 'farm-sim']);
  });

  it('gates each deployment on a GitHub environment (production has required reviewers)', () => {
    expect(jobs['deploy-staging'].environment.name).toBe('staging');
    expect(jobs['deploy-production'].environment.name).toBe('production');
    expect(jobs['images'].if).toContain("!= 'pull_request'");
  });

  it('undoes a rollout that does not become ready', () => {
    for (const job of ['deploy-staging', 'deploy-production']) {
      expect(steps(job)).toContain('rollout status deployment/api-server');
      expect(steps(job)).toContain('rollout undo deployment/api-server');
    }
  });

  it('pins every action to a version and commits no secret', () => {
    const uses = Object.values(jobs).flatMap((job) => (job.steps as Array<{ uses?: string }>).map((s) => s.uses).filter(Boolean));
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    expect(readFileSync(join(REPO, '.github/workflows/deploy.yml'), 'utf8')).not.toMatch(/dop_v1_|password:/i);
  });
});
