-- Each console account's session stamp (as SQLite's 0015): every session carries it, and a new
-- one (at sign-out, or an account removed and added again) ends the sessions that hold the old
-- one. Accounts of before get one each now (gen_random_uuid is built in from PostgreSQL 13);
-- their sessions, which carry none, end.
ALTER TABLE console_accounts ADD COLUMN session_stamp TEXT NOT NULL DEFAULT '';
UPDATE console_accounts SET session_stamp = replace(gen_random_uuid()::text, '-', '');
