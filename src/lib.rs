//! branchstat: Party-branch activity ledgers in, the committee's statistics out.
//!
//! Data flows one way: [`ingest`] (files → raw tables) → [`normalize`] (raw tables →
//! records) → [`metrics`] (records → DataFrames → figures) → [`report`] (figures →
//! workbook, JSON, CSV, Parquet, charts, summary). [`pipeline`] wires them for a run.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod ingest;
pub mod maps;
pub mod metrics;
pub mod normalize;
pub mod pipeline;
pub mod problems;
pub mod report;
pub mod text;
pub mod timing;
pub mod vocab;
