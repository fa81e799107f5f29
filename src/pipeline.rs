//! One run, read → normalize → compute. In: a validated [`RunConfig`]. Out: an
//! [`Analysis`] holding the records, every problem and the figures, ready for `report`.
//! Files are read and normalized in parallel, one file at a time per thread, so raw cells
//! never pile up in memory. Outputs that need only the activities ([`EarlyOutput`]) are
//! handed them as soon as the frames give them, to begin on while the figures are computed.

use crate::config::Plan;
use crate::ingest::{self, Limits};
use crate::metrics::{self, FileCounts, Settings};
use crate::normalize::branch::BranchMatch;
use crate::normalize::roster::{self, Roster};
use crate::normalize::{self, Context, RowCounts};
use crate::problems::{Problem, ProblemKind, Severity};
use anyhow::{Context as _, Result};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// What a run needs, resolved from the command line.
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub submissions: PathBuf,
    pub roster: Option<PathBuf>,
    pub plan: Plan,
    pub year: Option<i32>,
    pub as_of: Option<NaiveDate>,
    pub limits: Limits,
    /// Keep how each sheet's columns were read (`check --explain`).
    pub explain: bool,
}

pub use crate::analysis::Analysis;

/// Kept for callers of the old name; the stages use [`crate::timing::phase`].
pub use crate::timing::phase as timing;

/// The typed activities and their records, as soon as the frames give them: what an output
/// can begin on while the figures are still being computed.
pub struct ActivitiesReady<'a> {
    pub records: &'a Arc<Vec<normalize::Record>>,
    pub rows: &'a Arc<Vec<metrics::rows::ActivityRow>>,
    pub settings: &'a Settings,
    /// Whether the roster names units (the figures then have a unit table).
    pub units: bool,
}

/// An output begun on [`ActivitiesReady`] (the committee workbook's 活动明细, a row per
/// activity): `begin` starts the work on a thread of its own and returns; the output waits
/// for it when it is written.
pub trait EarlyOutput: Sync {
    fn begin(&self, activities: &ActivitiesReady<'_>);
}

/// Reads the roster workbook.
pub fn load_roster(path: &std::path::Path, limits: &Limits) -> Result<(Roster, Vec<Problem>)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw = ingest::read_path(path, &name, limits).with_context(|| format!("无法读取党员名册 {}", path.display()))?;
    Ok(roster::parse(&raw))
}

/// An earlier year's metrics.json for `--previous`: the file itself, or the one in an
/// output folder.
pub fn load_previous(path: &std::path::Path) -> Result<serde_json::Value> {
    let file = if path.is_dir() {
        path.join("metrics.json")
    } else {
        path.to_path_buf()
    };
    if !file.is_file() {
        anyhow::bail!(
            "--previous 应为上一年度的输出文件夹或其中的 metrics.json：{} 不是",
            path.display()
        );
    }
    let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取上年数据 {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| format!("上年数据 {} 不是有效的 metrics.json", file.display()))
}

/// Adds the earlier year's figures and the changes to the analysis (metrics.json
/// `previous`); an error when it is not metrics.json or not of an earlier year.
pub fn attach_previous(a: &mut Analysis, before: &serde_json::Value, shown: &std::path::Path) -> Result<()> {
    // An earlier name is this year's branch when the roster lists it as the branch's name or
    // alias, or as a formal name of either; a close or contained match is not enough to call
    // two years' branches one.
    let matcher = a.roster.as_ref().map(Roster::matcher).unwrap_or_default();
    let this_years = |earlier: &str| match matcher.match_name(earlier) {
        Ok(m @ (BranchMatch::Exact(_) | BranchMatch::Formal(_))) => Some(m.branch().to_string()),
        _ => None,
    };
    let previous = metrics::previous::compare(&a.figures.metrics, before, this_years)
        .with_context(|| format!("无法与上年数据比较：{}", shown.display()))?;
    a.figures.metrics.previous = Some(previous);
    Ok(())
}

/// The reporting year when `--year` is not given: the as-of date's year, else the year most
/// file names mention, else this year.
fn infer_year(config: &RunConfig, rels: &[String]) -> i32 {
    if let Some(y) = config.year {
        return y;
    }
    if let Some(d) = config.as_of {
        return d.year();
    }
    let mut years: Vec<i32> = rels.iter().filter_map(|r| normalize::values::year_in_text(r)).collect();
    years.sort();
    let mut best: Option<(i32, usize)> = None;
    for chunk in years.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| chunk.len() > n) {
            best = Some((chunk[0], chunk.len()));
        }
    }
    best.map(|(y, _)| y).unwrap_or_else(metrics::current_year)
}

/// Reads every file and computes every figure.
pub fn analyze(config: &RunConfig) -> Result<Analysis> {
    analyze_with_progress(config, &|_, _| {})
}

/// [`analyze`], calling `progress(done, total)` after each file (from any thread).
pub fn analyze_with_progress(config: &RunConfig, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Analysis> {
    analyze_beside(config, progress, &[])
}

/// [`analyze_with_progress`], beginning each of `early` on the typed activities while the
/// figures are computed.
pub fn analyze_beside(
    config: &RunConfig,
    progress: &(dyn Fn(usize, usize) + Sync),
    early: &[&dyn EarlyOutput],
) -> Result<Analysis> {
    crate::timing::begin();
    let started = std::time::Instant::now();
    let (roster, found, mut problems) = roster_and_files(config)?;
    timing("roster, discover", started);
    let rels: Vec<String> = found.files.iter().map(|(_, r)| r.clone()).collect();
    let year = infer_year(config, &rels);
    let as_of = config
        .as_of
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"));
    if as_of.year() != year {
        anyhow::bail!("截止日期 {as_of} 不在统计年度 {year} 内");
    }
    let mut ctx = Context::new(&config.plan, roster.as_ref(), Some(year));
    ctx.explain = config.explain;
    let started = std::time::Instant::now();
    let outcomes = read_and_normalize(&found.files, &ctx, &config.limits, progress);
    timing("read + normalize", started);
    let mut files = FileCounts {
        skipped: found.skipped.len(),
        ..Default::default()
    };
    problems.extend(found.skipped);
    problems.extend(found.ignored);
    let gathered = gather(outcomes, &mut files, &mut problems);
    let settings = Settings {
        year,
        as_of,
        plan: config.plan.clone(),
    };
    let mut notes = Vec::new();
    let started = std::time::Instant::now();
    let units = roster.as_ref().is_some_and(|r| r.has_units);
    let records = Arc::new(gathered.records);
    let begin = |rows: &Arc<Vec<metrics::rows::ActivityRow>>| {
        let ready = ActivitiesReady {
            records: &records,
            rows,
            settings: &settings,
            units,
        };
        early.iter().for_each(|output| output.begin(&ready));
    };
    let beside = (!early.is_empty()).then_some(&begin as &metrics::Beside<'_>);
    let rows = gathered.rows;
    let figures = metrics::compute(&records, roster.as_ref(), &settings, files, rows, &mut notes, beside)
        .context("统计计算失败")?;
    problems.extend(notes);
    let problem_counts = metrics::issues::ProblemCounts::of(&problems).context("统计计算失败")?;
    timing("metrics", started);
    Ok(Analysis {
        settings,
        submissions: config.submissions.clone(),
        roster,
        records,
        problems,
        problem_counts,
        figures,
        files,
        rows,
        layouts: gathered.layouts,
    })
}

/// The roster, the files found and the problems found so far (the roster's, or that there
/// is none). A province's roster (sixteen thousand members) is read while the folder is
/// walked.
fn roster_and_files(config: &RunConfig) -> Result<(Option<Roster>, ingest::Discovered, Vec<Problem>)> {
    let (roster, found) = rayon::join(
        || {
            config
                .roster
                .as_ref()
                .map(|path| load_roster(path, &config.limits))
                .transpose()
        },
        || {
            config
                .submissions
                .exists()
                .then(|| ingest::discover(&config.submissions))
        },
    );
    let roster = roster?;
    let Some(found) = found else {
        anyhow::bail!("找不到报送材料文件夹：{}", config.submissions.display());
    };
    let found = found?;
    let mut problems = Vec::new();
    let roster = match roster {
        Some((r, p)) => {
            problems.extend(p);
            Some(r)
        }
        None => {
            problems.push(Problem::new(
                ProblemKind::RosterMissing,
                "",
                "未提供党员名册（--roster）：支部以报送材料中出现的为准，不计算党员个人参与情况",
            ));
            None
        }
    };
    Ok((roster, found, problems))
}

/// Every file read and normalized, in parallel, one file at a time per thread, in the
/// files' order; `progress(done, total)` after each.
fn read_and_normalize(
    files: &[(PathBuf, String)],
    ctx: &Context,
    limits: &Limits,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Result<normalize::FileOutcome, Problem>> {
    let total = files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    // Jobs of a few files: rayon otherwise leaves ranges of hundreds of files to one thread
    // once it has split a few times, and the last such range kept one core busy for up to
    // 40 ms at the end of the read while the other had nothing to take.
    files
        .par_iter()
        .with_max_len(FILES_PER_JOB)
        .map(|(path, rel)| {
            let outcome = match ingest::read_path(path, rel, limits) {
                Ok(raw) => Ok(normalize::normalize_file(&raw, ctx)),
                Err(e) => {
                    let problem = Problem::new(e.kind(), rel, e.to_string());
                    Err(match e.sheet() {
                        Some(sheet) => problem.sheet(sheet),
                        None => problem,
                    })
                }
            };
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
            outcome
        })
        .collect()
}

/// Files read in one job of the thread pool at most (each takes ~0.1 ms).
const FILES_PER_JOB: usize = 8;

/// What the files gave, put together in their order.
struct Gathered {
    records: Vec<normalize::Record>,
    rows: RowCounts,
    layouts: Vec<normalize::SheetLayout>,
}

/// The files' records, row counts and layouts in one list each; their problems added to
/// `problems` and each file counted in `files` as read, skipped (branchstat's own outputs,
/// like lock files) or failed.
fn gather(
    outcomes: Vec<Result<normalize::FileOutcome, Problem>>,
    files: &mut FileCounts,
    problems: &mut Vec<Problem>,
) -> Gathered {
    let mut rows = RowCounts::default();
    // Sized once: a province's fifty thousand records are not copied again at each doubling.
    let mut records = Vec::with_capacity(outcomes.iter().flatten().map(|o| o.records.len()).sum());
    let mut layouts = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(o) => {
                files.read += 1;
                rows.add(o.rows);
                problems.extend(o.problems);
                records.extend(o.records);
                layouts.extend(o.layouts);
            }
            Err(p) if p.severity == Severity::Note => {
                files.skipped += 1;
                problems.push(p);
            }
            Err(p) => {
                files.failed += 1;
                problems.push(p);
            }
        }
    }
    Gathered { records, rows, layouts }
}
