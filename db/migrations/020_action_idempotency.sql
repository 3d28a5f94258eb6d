-- Idempotency of POST /cases/{id}/actions: one row per (caller, key), naming the one request the key
-- stands for (case id and a hash of the action, input and comment). The key also becomes the Update
-- id, so Temporal applies a retried action once; this row is what lets the API tell a retry from a
-- different request reusing the key (409) instead of answering the first action's result for it.
CREATE TABLE action_idempotency_keys (
  caller        text        NOT NULL,
  key           text        NOT NULL,
  case_id       text        NOT NULL,
  request_hash  text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, key)
);
CREATE INDEX action_idempotency_keys_created ON action_idempotency_keys (created_at);
