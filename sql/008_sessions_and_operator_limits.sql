-- Issue 12: a stamp per member that every member cookie must carry (sign-out, a password change and "Sign out of
-- other devices" replace it, which revokes every older cookie), and the operator key's limits per address and spend.
create table session_stamps (
    owner_id   text primary key,
    stamp      text not null,
    updated_at timestamptz not null
);

-- The address only as a salted hash; the cost once the reply has ended (OpenRouter's usage.cost, USD).
alter table reply_ledger add column address_hash text;
alter table reply_ledger add column cost_usd numeric(20, 10);

create index reply_ledger_address_recent_idx on reply_ledger (address_hash, created_at desc) where key_source = 'operator';
create index reply_ledger_operator_recent_idx on reply_ledger (created_at desc) where key_source = 'operator';

-- The day's salt for address_hash, shared by every instance; old days are deleted as new ones start.
create table ledger_salts (
    day  date primary key,
    salt bytea not null
);
