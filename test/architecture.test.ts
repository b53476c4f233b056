import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
}

const FORBIDDEN_IN_CORE = [/^@slack\//, /^discord\.js$/, /^@discordjs\//, /^undici$/, /^pg$/, /^better-sqlite3$/, /^kysely$/, /^pino$/, /^ws$/, /^express$/];
const OUTER_LAYERS = [/\/adapters\//, /\/backends\//, /\/hf\//, /\/store\//, /\/config(\.ts)?$/, /\/main(\.ts)?$/, /\/logger(\.ts)?$/];

describe('import direction', () => {
  const coreFiles = sourceFiles(join(SRC, 'core'));

  it('finds the core sources it checks', () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it('keeps src/core free of transports, chat SDKs, database drivers and outer layers', () => {
    const violations = coreFiles.flatMap((file) =>
      importsOf(file)
        .filter((spec) => FORBIDDEN_IN_CORE.some((rule) => rule.test(spec)) || (spec.startsWith('.') && OUTER_LAYERS.some((rule) => rule.test(spec))))
        .map((spec) => `${relative(SRC, file)} imports ${spec}`),
    );
    expect(violations).toEqual([]);
  });

  it('detects a forbidden import when one is present', () => {
    const sample = "import { request } from 'undici';\nimport type { X } from '../adapters/slack/app.ts';";
    const specs = [...sample.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
    expect(specs.filter((s) => FORBIDDEN_IN_CORE.some((r) => r.test(s)) || OUTER_LAYERS.some((r) => r.test(s)))).toHaveLength(2);
  });

  it('keeps each backend to its own folder: no backend imports another', () => {
    const backends = readdirSync(join(SRC, 'backends')).filter((name) => statSync(join(SRC, 'backends', name)).isDirectory());
    expect(backends).toEqual(expect.arrayContaining(['classic', 'endpoints']));
    const violations = backends.flatMap((backend) =>
      sourceFiles(join(SRC, 'backends', backend)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => backends.some((other) => other !== backend && (spec.includes(`/backends/${other}/`) || spec.startsWith(`../${other}/`))))
          .map((spec) => `${relative(SRC, file)} imports ${spec}`),
      ),
    );
    expect(violations).toEqual([]);
  });

  it('keeps adapters from importing each other', () => {
    // Each directory is an adapter; files beside them (ack-first.ts) are shared by all of them.
    const adapters = readdirSync(join(SRC, 'adapters')).filter((name) => statSync(join(SRC, 'adapters', name)).isDirectory());
    expect(adapters).toEqual(expect.arrayContaining(['console', 'discord', 'slack']));
    const violations = adapters.flatMap((adapter) =>
      sourceFiles(join(SRC, 'adapters', adapter)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => adapters.some((other) => other !== adapter && spec.includes(`/adapters/${other}/`) || spec === `../${other}/`))
          .map((spec) => `${relative(SRC, file)} imports ${spec}`),
      ),
    );
    expect(violations).toEqual([]);
  });
});

/**
 * What only a backend may speak of: Inference Endpoints and their replicas, the classic API's
 * route, each backend's config keys and kinds. The core reaches them through the `Backend` port.
 */
const BACKEND_NAMES = /\bendpoints?\b|\breplicas?\b|pinned_models|\bmax_warm\b|\bclassic\b|\bminReplica\b/i;

function backendNamesIn(text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    const match = BACKEND_NAMES.exec(line);
    return match ? [`${index + 1}: ${match[0]}`] : [];
  });
}

describe('the core names no backend', () => {
  it('finds no backend, endpoint, replica, pinned-models route or backend kind in any file under src/core, code or comment', () => {
    const violations = sourceFiles(join(SRC, 'core')).flatMap((file) => backendNamesIn(readFileSync(file, 'utf8')).map((hit) => `${relative(SRC, file)}:${hit}`));
    expect(violations).toEqual([]);
  });

  it('would see one if it were there', () => {
    expect(backendNamesIn("// keeps the endpoint warm\nconst kind = 'classic';\nfetch('/usage/pinned_models');\nconst n = { replicas: 2 };")).toEqual([
      '1: endpoint', "2: classic", '3: pinned_models', '4: replicas',
    ]);
    expect(backendNamesIn('const proposal = plan.proposed; // the pinned list')).toEqual([]);
  });
});
