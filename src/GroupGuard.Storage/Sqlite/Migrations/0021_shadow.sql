-- Whether the incident's rule was in shadow mode (record, never act): 1 or 0. A shadow rule's
-- incident says dry_run in any group, as a dry-run group's do; a dry run's escalation counts the
-- group's dry runs and never a shadow rule's. Null for incidents recorded before: those, when a
-- dry run, are not counted (as before), since which of the two they were is not known.
ALTER TABLE incidents ADD COLUMN shadow INTEGER CHECK (shadow IN (0, 1));
