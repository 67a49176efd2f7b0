#![forbid(unsafe_code)]
//! bemx-db: the reference BEMdok-like schema, its foreign-key graph, client
//! subset extraction (export), merging (import) and purging. Demo data
//! lives in `bemx-demo`.

mod error;
pub mod extract;
pub mod graph;
pub mod i18n;
pub mod merge;
mod ownership;
pub mod profile;
mod runs;
pub mod schema;
mod suggest;

pub use error::{DbError, Result};
pub use extract::{
    BlobInfo, CheckReport, ExtractError, Problem, RowSink, Selection, Value, ValueRef, check_database, count_rows,
    extract, extract_catalogues, for_each_blob, for_each_blob_hashed_by_caller, owned_value, select_clients,
    select_clients_in, select_clients_streaming,
};
/// Quotes an identifier for SQL: every crate's table and column names go
/// through this one function.
pub use graph::q as quote_identifier;
pub use graph::{
    CLIENTS_TABLE, CatalogueSpec, ColumnRole, ColumnSpec, Graph, PROFILE_KEY, ProfileCheck, TableKind, TableSpec,
    Warning, catalogue_tables, check_profile, derive, derived_client_id, export_tables, installation_graph,
    installation_profile, reference_graph, stream_tables,
};
pub use merge::{
    ClientLookup, MergeReport, Merger, PurgePlan, PurgeReport, check_specs, clients_not_found, existing_client_uuids,
    plan_purge, planned_bem_ids, purge_clients, purge_clients_in,
};
pub use profile::Profile;
pub use runs::IdSet;
pub use schema::{
    ClientSummary, Database, HandoverCandidate, SCHEMA_VERSION, check_host, check_in_transaction, configure_connection,
    find_client, find_clients, for_each_client, journal_is_hot, journal_path, keep_journal_for_purge, migrate,
    open_read_only, recorded_host, refuse_unknown_clients, schema_fingerprint, scrub_journal, wipe_file,
};
pub use suggest::suggest;
