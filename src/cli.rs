//! The command line. In: raw arguments. Out: a validated [`RunConfig`] per command, then
//! the command's work and an exit code: 0 done; 1 problems found (`check`, or `run
//! --strict`); 2 the run could not be done (bad arguments, unreadable roster or plan).

use crate::config::{DEFAULT_PLAN, Plan};
use crate::ingest::Limits;
use crate::pipeline::{self, RunConfig};
use crate::report;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "branchstat",
    version,
    about = "党支部活动台账统计：读入各支部报送的台账，生成党建统计表、图表和总结材料"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 统计：读入报送材料，写出统计工作簿、metrics.json、图表、总结和明细数据
    Run(RunArgs),
    /// 只检查报送材料，每个问题一行（文件:工作表!单元格: 原因）；有问题时退出码为 1
    Check(CheckArgs),
    /// 生成标准台账模板（含下拉列表）
    Template(TemplateArgs),
    /// 计划文件：--init 打印默认 plan.toml
    Plan(PlanArgs),
}

#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// 报送材料所在文件夹
    pub submissions: PathBuf,
    /// 党员名册（支部、党员两张表）
    #[arg(long)]
    pub roster: Option<PathBuf>,
    /// 计划文件 plan.toml（不提供则按默认规定）
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// 统计年度（默认取截止日期或文件名中的年份）
    #[arg(long)]
    pub year: Option<i32>,
    /// 统计截止日期，如 2024-06-30（默认为年度最后一天）
    #[arg(long = "as-of", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// 每张工作表最多读取的行数
    #[arg(long, default_value_t = Limits::default().max_rows)]
    pub max_rows: usize,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 输出文件夹
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// 有任何数据问题（错误或警告）时以退出码 1 结束
    #[arg(long)]
    pub strict: bool,
    /// 另写一份按年、月分区的 Parquet 数据集（year=2024/month=03/…）
    #[arg(long = "parquet-dataset")]
    pub parquet_dataset: Option<PathBuf>,
    /// 不打印进度和统计摘要
    #[arg(long, short)]
    pub quiet: bool,
    /// 不写各支部的反馈工作簿（feedback/）
    #[arg(long = "no-feedback")]
    pub no_feedback: bool,
    /// 不写统计报告（报告_<年度>.docx）
    #[arg(long = "no-report")]
    pub no_report: bool,
    /// 逐条打印发现的数据问题
    #[arg(long, short)]
    pub verbose: bool,
    /// 上一年度的输出文件夹或其中的 metrics.json，用于同上年比较
    #[arg(long)]
    pub previous: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 逐个文件、工作表打印表头的读法：每个字段取了哪一列，哪些列未采用及原因
    #[arg(long)]
    pub explain: bool,
}

#[derive(Args, Debug, Clone)]
pub struct TemplateArgs {
    #[arg(long)]
    pub roster: Option<PathBuf>,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long, default_value = "台账模板.xlsx")]
    pub out: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    /// 打印默认计划文件
    #[arg(long)]
    pub init: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("日期「{s}」应写作 2024-06-30"))
}

/// The bundled samples: `./samples` when run from the project, else the source tree's.
pub fn samples_dir() -> PathBuf {
    let here = PathBuf::from("samples");
    if here.is_dir() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
    }
}

/// `branchstat` with no arguments: the main job on the bundled samples.
fn default_run() -> RunArgs {
    let samples = samples_dir();
    let roster = samples.join("roster.xlsx");
    let plan = samples.join("plan.toml");
    RunArgs {
        input: InputArgs {
            submissions: samples.join("submissions"),
            roster: roster.exists().then_some(roster),
            plan: plan.exists().then_some(plan),
            year: None,
            as_of: None,
            max_rows: Limits::default().max_rows,
        },
        out: PathBuf::from("output"),
        strict: false,
        parquet_dataset: None,
        quiet: false,
        no_feedback: false,
        no_report: false,
        verbose: false,
        previous: None,
    }
}

impl InputArgs {
    /// Resolves the arguments into a validated run configuration.
    pub fn resolve(&self) -> Result<RunConfig> {
        let plan = match &self.plan {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("无法读取计划文件 {}", path.display()))?;
                Plan::from_toml(&text).with_context(|| format!("计划文件 {} 有误", path.display()))?
            }
            None => Plan::default(),
        };
        if let Some(r) = &self.roster {
            anyhow::ensure!(r.is_file(), "找不到党员名册：{}", r.display());
        }
        Ok(RunConfig {
            submissions: self.submissions.clone(),
            roster: self.roster.clone(),
            plan,
            year: self.year,
            as_of: self.as_of,
            limits: Limits {
                max_rows: self.max_rows,
                ..Limits::default()
            },
            explain: false,
        })
    }
}

fn run(args: &RunArgs) -> Result<ExitCode> {
    let config = args.input.resolve()?;
    let previous = args.previous.as_deref().map(pipeline::load_previous).transpose()?;
    // indicatif hides the bar by itself when stderr is not a terminal.
    let bar = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(0)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("读取台账 {bar:40} {pos}/{len} 个文件 {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // The exporters exist before the figures: the committee workbook begins its 活动明细 on
    // the activities while the figures are computed.
    let exporters = report::exporters(!args.no_feedback, !args.no_report);
    let early: Vec<&dyn pipeline::EarlyOutput> = exporters.iter().filter_map(|e| e.early()).collect();
    let progress = |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let mut analysis = pipeline::analyze_beside(&config, &progress, &early)?;
    bar.finish_and_clear();
    if let (Some(before), Some(path)) = (&previous, &args.previous) {
        pipeline::attach_previous(&mut analysis, before, path)?;
    }
    if args.verbose {
        for p in &analysis.problems {
            eprintln!("{p}");
        }
    }
    let started = std::time::Instant::now();
    report::write_selected(&analysis, &args.out, &exporters)?;
    pipeline::timing("outputs", started);
    if let Some(dir) = &args.parquet_dataset {
        report::parquet::write_dataset(&analysis, dir)?;
    }
    if !args.quiet {
        eprint!("{}", report::terminal_summary(&analysis, &args.out));
        for note in report::notes(&exporters) {
            eprintln!("  {note}");
        }
    }
    let serious = analysis.serious_problems().count();
    // The process ends here: freeing a province's records and frames piece by piece would
    // only make the clerk wait (a tenth of a second at 10,000 files).
    std::mem::forget(analysis);
    Ok(if args.strict && serious > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(args: &CheckArgs) -> Result<ExitCode> {
    let mut config = args.input.resolve()?;
    config.explain = args.explain;
    let analysis = pipeline::analyze(&config)?;
    if args.explain {
        print!("{}", report::explain::render(&analysis.layouts));
    }
    let mut n = 0;
    for p in analysis.serious_problems() {
        println!("{p}");
        n += 1;
    }
    eprintln!(
        "共检查 {} 个文件、{} 行：发现 {} 个问题",
        analysis.files.read + analysis.files.failed,
        analysis.rows.read,
        n
    );
    Ok(if n > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn template(args: &TemplateArgs) -> Result<ExitCode> {
    let branches = match &args.roster {
        Some(path) => pipeline::load_roster(path, &Limits::default())?
            .0
            .branches
            .into_iter()
            .map(|b| b.name)
            .collect(),
        None => Vec::new(),
    };
    let year = args.year.unwrap_or_else(crate::metrics::current_year);
    report::template::write_template(&branches, year, &[], &args.out)?;
    eprintln!("已生成台账模板：{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run(&default_run()),
        Some(Command::Run(args)) => run(&args),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Template(args)) => template(&args),
        Some(Command::Plan(args)) => {
            if args.init {
                print!("{DEFAULT_PLAN}");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("用法：branchstat plan --init > plan.toml");
                Ok(ExitCode::from(2))
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
