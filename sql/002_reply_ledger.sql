-- One row per reply started, so daily limits on the operator's key are counted from storage.
create table reply_ledger (
    id         uuid primary key,
    owner_id   text not null,
    key_source text not null check (key_source in ('user', 'operator')),
    created_at timestamptz not null
);

create index reply_ledger_owner_recent_idx on reply_ledger (owner_id, created_at desc);
