-- Files sent with messages. Ownership comes from the chat (chats.owner_id), so moving a guest's chats to a
-- member moves their files too; deleting a chat or message deletes its files.

create table attachments (
    id          uuid primary key,
    chat_id     uuid not null references chats (id) on delete cascade,
    message_id  uuid not null references messages (id) on delete cascade,
    file_name   text not null,
    media_type  text not null,
    kind        text not null check (kind in ('image', 'pdf', 'text')),
    size_bytes  integer not null check (size_bytes >= 0 and size_bytes <= 5242880),
    content     bytea not null,
    created_at  timestamptz not null
);

create index attachments_chat_message_idx on attachments (chat_id, message_id, created_at);
