-- Two databases on one server: the conversations (Rasa's tracker store, the doctors' words, kept 24 hours,
-- never backed up) and the service's own tables (summaries shared with consent, counsellors, audit log).
CREATE DATABASE doctor_support_conversations OWNER doctor_support;
