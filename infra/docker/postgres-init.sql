-- Same databases as the local stack (infra/local/postgres.ts): the exporter's state and the warehouse.
CREATE DATABASE exporter;
CREATE DATABASE warehouse;
\connect warehouse
CREATE SCHEMA IF NOT EXISTS pm_internal;
