-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- Each console account's session stamp (ConsoleAccount.SessionStamp): every session carries it,
-- and a new one (at sign-out, or an account removed and added again) ends the sessions that hold
-- the old one. Accounts of before get one each now; their sessions, which carry none, end.
ALTER TABLE console_accounts ADD COLUMN session_stamp TEXT NOT NULL DEFAULT '';
UPDATE console_accounts SET session_stamp = lower(hex(randomblob(16)));
