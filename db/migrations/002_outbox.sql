-- Notification outbox: every message is recorded here BEFORE any attempt to send it, so a failed or
-- retried delivery never loses a message and never sends one twice (see docs/notifications.md).
-- The id is stable (hash of case id, occurrence, event, recipient id) and doubles as the e-mail
-- Message-ID, which lets receivers drop the rare duplicate.
CREATE TABLE notification_outbox (
  id             text PRIMARY KEY,
  case_id        text NOT NULL,
  occurrence     text NOT NULL,
  event          text NOT NULL,
  template       text NOT NULL,
  recipient      text NOT NULL,
  recipient_name text NOT NULL,
  address        text NOT NULL,
  language       text NOT NULL CHECK (language IN ('fr', 'ar')),
  subject        text NOT NULL,
  text           text NOT NULL,
  html           text,
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  sent_at        timestamptz,
  message_id     text
);

-- The per-case status page and the API list a case's messages in order.
CREATE INDEX notification_outbox_case_idx ON notification_outbox (case_id, created_at, id);
-- The sweeper (deliverPending) only ever scans what is still to send.
CREATE INDEX notification_outbox_pending_idx ON notification_outbox (created_at) WHERE status <> 'sent';
