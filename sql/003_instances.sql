-- Several app instances on one database: each running instance beats here; a streaming reply records the
-- instance writing it, so when that instance stops beating another one marks the reply interrupted.

create table instances (
    id           uuid primary key,
    started_at   timestamptz not null default now(),
    heartbeat_at timestamptz not null default now()
);

alter table messages add column instance_id uuid;
