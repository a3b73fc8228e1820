-- While an incident's action is pending: what became of its recall, mute and kick once they were
-- carried out and only its warning is left to go out (done, failed or unsupported; the words, when
-- not done, in action_error). A restart then sends only the warning, and never those again.
ALTER TABLE incidents ADD COLUMN acts_outcome TEXT;
