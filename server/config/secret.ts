/**
 * Secret settings (SMTP passwords, HMAC keys) inside lists of channels, which have no derived VIGIE_* name:
 * a value `env:NAME` is read from the environment at load time, so the secret stays out of vigie.yaml.
 */
import { z } from 'zod';

export function secretString(what: string) {
  return z
    .string()
    .min(1)
    .transform((v, ctx) => {
      const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(v);
      if (!m) return v;
      const value = process.env[m[1]!];
      if (value === undefined || value === '') {
        ctx.addIssue({ code: 'custom', message: `${what}: environment variable ${m[1]} is not set (export it, or write the value itself)` });
        return z.NEVER;
      }
      return value;
    })
    .describe(`${what}; "env:NAME" reads it from the environment variable NAME`);
}
