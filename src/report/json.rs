//! metrics.json (SPEC 7). In: the analysis. Out: the figures as pretty-printed JSON.

use super::Exporter;
use crate::pipeline::Analysis;
use anyhow::Result;
use std::path::Path;

pub struct MetricsJson;

impl Exporter for MetricsJson {
    fn name(&self, _: &Analysis) -> String {
        "metrics.json".into()
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(&a.figures.metrics)?;
        text.push('\n');
        std::fs::write(path, text)?;
        Ok(())
    }
}
