-- Full-text search of chat titles and message text.
-- The 'simple' configuration (lower-cased words, no stemming, no stop words): chats are written in every
-- language, and an English stemmer would mangle other languages' words and drop words people do search
-- for ("it", "who"). Prefix matching of the word being typed (to_tsquery 'word:*') covers most of what
-- stemming would add.
alter table messages add column search_vector tsvector generated always as (to_tsvector('simple', content)) stored;
create index messages_search_idx on messages using gin (search_vector);

alter table chats add column search_vector tsvector generated always as (to_tsvector('simple', title)) stored;
create index chats_search_idx on chats using gin (search_vector);
