-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- A message is known by its group too: Milky numbers messages per group (message_seq), so two
-- groups' messages can share an id and a second; without the group the second one's incidents
-- would be taken for a redelivery of the first's and not stored.
DROP INDEX ux_incidents_message_rule;
CREATE UNIQUE INDEX ux_incidents_message_rule ON incidents (platform, bot_id, group_id, message_id, time, rule);
