-- A message may carry the case's sealed receipt or decision. The row names the document, not its
-- bytes: the document is issued once (issued_documents), so every attempt to send the message,
-- by the activity or the sweeper, attaches the very same PDF.
ALTER TABLE notification_outbox ADD COLUMN attach text CHECK (attach IN ('receipt', 'decision'));
