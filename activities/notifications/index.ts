/**
 * Notifications: receipts and alerts by e-mail in French and Arabic, recorded in an outbox before
 * any attempt to send them. Wiring: `createNotificationActivities({ db, directory, channel })`.
 */
export { createNotificationActivities, TEMPLATE_ERROR, type NotificationActivities, type NotificationDeps } from './notify';
export { deliverPending, deliverMessages, type AttachmentSource, type DeliveryReport, type NotificationLog, type PendingSummary } from './delivery';
export { attachmentFor, documentAttachments } from './attachments';
export { resolveRecipients, supervisedUnit, type Member, type RecipientDirectory, type ResolvedRecipient, type SkippedRecipient } from './recipients';
export { createRenderer, TEMPLATE_NAMES, TemplateError, type Renderer, type RenderedMessage, type TemplateName } from './render';
export { buildContext, DEFAULT_PRIVACY_NOTICE, type PrivacyNotice } from './context';
export * from './channels';
