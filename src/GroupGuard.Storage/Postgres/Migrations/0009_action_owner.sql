-- The instance that carries out an incident's pending action (GroupGuard:InstanceId): on a
-- database several instances share, another instance takes a pending action over only once its
-- owner has stopped checking in, and claims it first. Pending incidents are few (an action is
-- carried out within seconds), so the recovery reads them through a partial index.
ALTER TABLE incidents ADD COLUMN action_owner TEXT;
CREATE INDEX ix_incidents_pending ON incidents (detected_at) WHERE action_status = 'pending';
