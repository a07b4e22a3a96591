import type { Dialect } from '../../../src/dialect.js'
import { FIXTURE } from './grammar.js'

/**
 * What the corpus reads and writes, created on the primary (and replicated):
 * two tables with columns named like keywords, a log table, a sequence, a
 * volatile function that writes, a stable (PostgreSQL) or read-only stored
 * (MySQL) function, a function `lower` in a user's schema (database) that
 * writes, and (PostgreSQL) `public.initcap(int)`, an overload of a built-in
 * that writes. Idempotent.
 */
export const PG_FIXTURES: readonly string[] = [
  ...FIXTURE.tables.flatMap((t) => [
    `CREATE TABLE IF NOT EXISTS ${t} (id int PRIMARY KEY, n int, v text, "update" int, "for" text, doc jsonb)`,
    `INSERT INTO ${t} VALUES (1, 1, 'one', 1, 'for', '{"k": "a"}'), (2, NULL, NULL, 2, NULL, '{}') ON CONFLICT DO NOTHING`,
  ]),
  `CREATE TABLE IF NOT EXISTS ${FIXTURE.log} (id serial PRIMARY KEY, v text)`,
  `CREATE SEQUENCE IF NOT EXISTS ${FIXTURE.sequence}`,
  `CREATE OR REPLACE FUNCTION ${FIXTURE.volatileWriter}() RETURNS int VOLATILE LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ${FIXTURE.log} (v) VALUES ('bump'); RETURN 1; END $$`,
  `CREATE OR REPLACE FUNCTION ${FIXTURE.stableReader}(x int) RETURNS int STABLE LANGUAGE sql AS $$ SELECT x + 1 $$`,
  `CREATE SCHEMA IF NOT EXISTS ${FIXTURE.shadowSchema}`,
  `CREATE OR REPLACE FUNCTION ${FIXTURE.shadowSchema}.lower(x text) RETURNS text VOLATILE LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.${FIXTURE.log} (v) VALUES (x); RETURN x; END $$`,
  // on the search path, an overload of a built-in the classifier knows (initcap(text)): initcap(5) resolves to it
  `CREATE OR REPLACE FUNCTION public.initcap(x int) RETURNS text VOLATILE LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.${FIXTURE.log} (v) VALUES ('initcap'); RETURN x::text; END $$`,
]

/** Run as an administrator: creating stored functions with binary logging on needs SUPER. */
export const MYSQL_FIXTURES: readonly string[] = [
  ...FIXTURE.tables.flatMap((t) => [
    `CREATE TABLE IF NOT EXISTS ${t} (id int PRIMARY KEY, n int, v text, \`update\` int, \`for\` text) ENGINE=InnoDB`,
    `INSERT IGNORE INTO ${t} VALUES (1, 1, 'one', 1, 'for'), (2, NULL, NULL, 2, NULL)`,
  ]),
  `CREATE TABLE IF NOT EXISTS ${FIXTURE.log} (id int AUTO_INCREMENT PRIMARY KEY, v text) ENGINE=InnoDB`,
  `CREATE SEQUENCE IF NOT EXISTS ${FIXTURE.sequence}`,
  `CREATE OR REPLACE FUNCTION ${FIXTURE.volatileWriter}() RETURNS int DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO ${FIXTURE.log} (v) VALUES ('bump'); RETURN 1; END`,
  `CREATE OR REPLACE FUNCTION ${FIXTURE.stableReader}(x int) RETURNS int DETERMINISTIC READS SQL DATA RETURN x + 1`,
  `CREATE OR REPLACE FUNCTION lower(x text) RETURNS text DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO ${FIXTURE.log} (v) VALUES (x); RETURN x; END`,
]

/**
 * Creates the fixtures on `dialect`'s database, one test file at a time: test
 * files run in parallel, and two `CREATE OR REPLACE FUNCTION` of the same
 * function at once fail on PostgreSQL ("tuple concurrently updated").
 */
export async function createFixtures(dialect: Dialect<any>): Promise<void> {
  const postgres = dialect.kind === 'postgres'
  const statements = postgres ? PG_FIXTURES : MYSQL_FIXTURES
  const raw = await dialect.connect()
  try {
    await dialect.run(raw, postgres ? 'SELECT pg_advisory_lock(7010)' : "SELECT GET_LOCK('sluice_sql_corpus', 60)", undefined, {})
    try {
      for (const sql of statements) await dialect.run(raw, sql, undefined, {})
    } finally {
      await dialect.run(raw, postgres ? 'SELECT pg_advisory_unlock(7010)' : "SELECT RELEASE_LOCK('sluice_sql_corpus')", undefined, {})
    }
  } finally {
    await dialect.close(raw)
  }
}
