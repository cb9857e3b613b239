-- OpenChat schema, first version: people, chats, messages, keys, preferences, Data Protection keys.
-- Owner ids are text: a member's id (a UUID) or a guest id (guest_ + 32 hex characters).

create table members (
    id              uuid primary key,
    email           text not null,
    email_normalized text not null,
    display_name    text not null,
    password_hash   text not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint members_email_normalized_key unique (email_normalized)
);

create table chats (
    id              uuid primary key,
    owner_id        text not null,
    title           text not null,
    title_is_custom boolean not null default false,
    model_id        text,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    last_message_at timestamptz not null
);

create index chats_owner_recent_idx on chats (owner_id, last_message_at desc, id desc);

create table messages (
    id                uuid primary key,
    chat_id           uuid not null references chats (id) on delete cascade,
    role              text not null check (role in ('user', 'assistant')),
    content           text not null default '',
    status            text not null check (status in ('streaming', 'complete', 'stopped', 'error', 'interrupted')),
    model_id          text,
    prompt_tokens     integer,
    completion_tokens integer,
    cost_usd          numeric(20, 10),
    error_kind        text,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);

create index messages_chat_created_idx on messages (chat_id, created_at, id);
create index messages_streaming_idx on messages (status) where status = 'streaming';

-- OpenRouter keys, encrypted with Data Protection; never readable back in plain text by the app's pages.
create table openrouter_keys (
    owner_id      text primary key,
    protected_key text not null,
    label         text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create table preferences (
    owner_id         text primary key,
    ui_theme         text check (ui_theme in ('light', 'dark', 'system')),
    brand_theme      text check (brand_theme in ('blue', 'red', 'orange', 'yellow', 'green', 'indigo', 'violet')),
    model_id         text,
    share_usage_data boolean not null default true,
    updated_at       timestamptz not null default now()
);

-- ASP.NET Data Protection key ring, shared by every instance so cookies work across them.
create table data_protection_keys (
    friendly_name text primary key,
    xml           text not null,
    created_at    timestamptz not null default now()
);
