//! Data problems found anywhere in a run: what, where (file, sheet, cell), the raw value
//! and why, in plain Chinese, each with a stable code and a hint saying what to do. In:
//! pushed by `ingest`, `normalize` and `metrics`. Out: the rows of `issues.csv`, the
//! workbook's 数据问题 sheet, the feedback workbooks and the `check` command's lines.

use serde::{Serialize, Serializer};
use std::fmt;
/// How much a problem matters to the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A row or file was left out of the figures.
    Error,
    /// Kept, but the branch should look at it.
    Warning,
    /// For the record: skipped sheets, superseded re-sent rows, fuzzy matches made.
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        }
    }
}

/// The kind of a problem: its stable code (`E-DATE-EMPTY`), its severity (the code's
/// first letter: E error, W warning, N note) and its hint. The README lists every code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    DateEmpty,
    DateBad,
    DateNoYear,
    CountNegative,
    BranchUnknown,
    FileEmpty,
    FileEncrypted,
    FileNotSheet,
    FileTooLarge,
    FileCorrupt,
    RosterEmpty,
    BranchClose,
    BranchFormal,
    TypeEmpty,
    TypeUnknown,
    CountUnreadable,
    PresentOver,
    MeetingHalf,
    ExpectedOff,
    NameUnknown,
    NoTable,
    RosterMissing,
    RosterMember,
    RosterBranch,
    SameCount,
    CopiedTopic,
    SharedTopic,
    SameList,
    Superseded,
    OwnOutput,
    ColumnUnknown,
    SheetSkipped,
    SheetHidden,
    FileLock,
    FileHidden,
    FileOther,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 36] = [
        ProblemKind::DateEmpty,
        ProblemKind::DateBad,
        ProblemKind::DateNoYear,
        ProblemKind::CountNegative,
        ProblemKind::BranchUnknown,
        ProblemKind::FileEmpty,
        ProblemKind::FileEncrypted,
        ProblemKind::FileNotSheet,
        ProblemKind::FileTooLarge,
        ProblemKind::FileCorrupt,
        ProblemKind::RosterEmpty,
        ProblemKind::BranchClose,
        ProblemKind::BranchFormal,
        ProblemKind::TypeEmpty,
        ProblemKind::TypeUnknown,
        ProblemKind::CountUnreadable,
        ProblemKind::PresentOver,
        ProblemKind::MeetingHalf,
        ProblemKind::ExpectedOff,
        ProblemKind::NameUnknown,
        ProblemKind::NoTable,
        ProblemKind::RosterMissing,
        ProblemKind::RosterMember,
        ProblemKind::RosterBranch,
        ProblemKind::SameCount,
        ProblemKind::CopiedTopic,
        ProblemKind::SharedTopic,
        ProblemKind::SameList,
        ProblemKind::Superseded,
        ProblemKind::OwnOutput,
        ProblemKind::ColumnUnknown,
        ProblemKind::SheetSkipped,
        ProblemKind::SheetHidden,
        ProblemKind::FileLock,
        ProblemKind::FileHidden,
        ProblemKind::FileOther,
    ];
    /// The stable code (README table).
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::DateEmpty => "E-DATE-EMPTY",
            ProblemKind::DateBad => "E-DATE-BAD",
            ProblemKind::DateNoYear => "E-DATE-NO-YEAR",
            ProblemKind::CountNegative => "E-COUNT-NEGATIVE",
            ProblemKind::BranchUnknown => "E-BRANCH-UNKNOWN",
            ProblemKind::FileEmpty => "E-FILE-EMPTY",
            ProblemKind::FileEncrypted => "E-FILE-ENCRYPTED",
            ProblemKind::FileNotSheet => "E-FILE-NOT-SHEET",
            ProblemKind::FileTooLarge => "E-FILE-TOO-LARGE",
            ProblemKind::FileCorrupt => "E-FILE-CORRUPT",
            ProblemKind::RosterEmpty => "E-ROSTER-EMPTY",
            ProblemKind::BranchClose => "W-BRANCH-CLOSE",
            ProblemKind::BranchFormal => "W-BRANCH-FORMAL",
            ProblemKind::TypeEmpty => "W-TYPE-EMPTY",
            ProblemKind::TypeUnknown => "W-TYPE-UNKNOWN",
            ProblemKind::CountUnreadable => "W-COUNT-UNREADABLE",
            ProblemKind::PresentOver => "W-PRESENT-OVER",
            ProblemKind::MeetingHalf => "W-MEETING-HALF",
            ProblemKind::ExpectedOff => "W-EXPECTED-OFF",
            ProblemKind::NameUnknown => "W-NAME-UNKNOWN",
            ProblemKind::NoTable => "W-NO-TABLE",
            ProblemKind::RosterMissing => "W-ROSTER-MISSING",
            ProblemKind::RosterMember => "W-ROSTER-MEMBER",
            ProblemKind::RosterBranch => "W-ROSTER-BRANCH",
            ProblemKind::SameCount => "W-SAME-COUNT",
            ProblemKind::CopiedTopic => "W-COPIED-TOPIC",
            ProblemKind::SharedTopic => "W-SHARED-TOPIC",
            ProblemKind::SameList => "W-SAME-LIST",
            ProblemKind::Superseded => "N-SUPERSEDED",
            ProblemKind::OwnOutput => "N-OWN-OUTPUT",
            ProblemKind::ColumnUnknown => "N-COLUMN-UNKNOWN",
            ProblemKind::SheetSkipped => "N-SHEET-SKIPPED",
            ProblemKind::SheetHidden => "N-SHEET-HIDDEN",
            ProblemKind::FileLock => "N-FILE-LOCK",
            ProblemKind::FileHidden => "N-FILE-HIDDEN",
            ProblemKind::FileOther => "N-FILE-OTHER",
        }
    }
    /// What the code means, in a few words (README table, 数据问题 summary).
    pub fn meaning(self) -> &'static str {
        match self {
            ProblemKind::DateEmpty => "行中没有日期，本行未计入",
            ProblemKind::DateBad => "日期无法识别或不存在（如 13 月），本行未计入",
            ProblemKind::DateNoYear => "日期只有月日，定不出年份，本行未计入",
            ProblemKind::CountNegative => "人数为负数，本行未计入",
            ProblemKind::BranchUnknown => "支部名称不在名册中，本行未计入",
            ProblemKind::FileEmpty => "文件为空（0 字节）",
            ProblemKind::FileEncrypted => "文件设有打开密码，无法读取",
            ProblemKind::FileNotSheet => "文件不是电子表格（如 Word、PDF、网页）",
            ProblemKind::FileTooLarge => "文件或工作表超过读取上限",
            ProblemKind::FileCorrupt => "文件已损坏或无法读取",
            ProblemKind::RosterEmpty => "名册中没有支部表或党员表",
            ProblemKind::BranchClose => "支部名称按近似名称匹配到名册支部",
            ProblemKind::BranchFormal => "支部名称按正式名称（中共…支部委员会）对应名册支部",
            ProblemKind::TypeEmpty => "活动类型为空，计入“其他”",
            ProblemKind::TypeUnknown => "活动类型无法识别，计入“其他”或忽略未识别部分",
            ProblemKind::CountUnreadable => "人数无法识别，按未填处理",
            ProblemKind::PresentOver => "实到人数多于应到人数",
            ProblemKind::MeetingHalf => "支部党员大会到会人数未超过全体党员半数",
            ProblemKind::ExpectedOff => "全支部参加的会议应到人数与名册人数相差超过 20%",
            ProblemKind::NameUnknown => "名单中有不在本支部名册中的姓名",
            ProblemKind::NoTable => "文件中没有找到活动登记表",
            ProblemKind::RosterMissing => "未提供党员名册，不计算党员个人参与情况",
            ProblemKind::RosterMember => "名册中的党员缺少姓名或所在支部",
            ProblemKind::RosterBranch => "名册党员所在支部不在支部表中",
            ProblemKind::SameCount => "全年每次同类会议实到人数完全相同（6 次以上）",
            ProblemKind::CopiedTopic => "同一支部 3 个月以上使用相同的会议主题",
            ProblemKind::SharedTopic => "同一月份 3 个以上支部使用相同的会议主题",
            ProblemKind::SameList => "全年每次同类会议参会名单完全相同（6 次以上）",
            ProblemKind::Superseded => "重复报送的行，以后报送的为准",
            ProblemKind::OwnOutput => "branchstat 自己写出的文件，已跳过",
            ProblemKind::ColumnUnknown => "未识别的列，已忽略",
            ProblemKind::SheetSkipped => "工作表中没有活动登记表（说明页或空表），已跳过",
            ProblemKind::SheetHidden => "隐藏的工作表，已跳过",
            ProblemKind::FileLock => "Office/WPS 临时锁定文件，已跳过",
            ProblemKind::FileHidden => "隐藏文件，已跳过",
            ProblemKind::FileOther => "不是台账文件，已忽略",
        }
    }
    /// What to do about it.
    pub fn hint(self) -> &'static str {
        match self {
            ProblemKind::DateEmpty => "请补填会议日期",
            ProblemKind::DateBad => "请改为 2024-03-05 或 2024年3月5日 这样的日期",
            ProblemKind::DateNoYear => "请写明年份，或在标题、文件名中注明年度",
            ProblemKind::CountNegative => "请核对并改正人数",
            ProblemKind::BranchUnknown => "请核对支部名称，或在名册中补充该支部（或别名）",
            ProblemKind::FileEmpty => "请让支部重新报送",
            ProblemKind::FileEncrypted => "请去掉密码后重新报送",
            ProblemKind::FileNotSheet => "请在 Excel 或 WPS 中另存为 .xlsx 后重新报送",
            ProblemKind::FileTooLarge => "请删除多余内容后另存为 .xlsx 再报送",
            ProblemKind::FileCorrupt => "请让支部重新保存后报送",
            ProblemKind::RosterEmpty => "请按名册格式补齐支部表（支部名称）和党员表（姓名、所在支部）",
            ProblemKind::BranchClose => "请核对支部名称，确认匹配无误后按名册写法填写",
            ProblemKind::BranchFormal => "请核对支部名称；如无误可不处理",
            ProblemKind::TypeEmpty => "请补填活动类型",
            ProblemKind::TypeUnknown => {
                "请按规范名称填写活动类型（如 支部委员会、党小组会），或在 plan.toml 中增加别名"
            }
            ProblemKind::CountUnreadable => "请填写阿拉伯数字人数",
            ProblemKind::PresentOver => "请核对应到、实到人数",
            ProblemKind::MeetingHalf => "请核对到会人数；确未过半的，会议决定须另行补正",
            ProblemKind::ExpectedOff => "请核对应到人数，或更新党员名册",
            ProblemKind::NameUnknown => "请核对姓名写法，或更新党员名册",
            ProblemKind::NoTable => "请按台账模板填写后重新报送",
            ProblemKind::RosterMissing => "请用 --roster 提供党员名册",
            ProblemKind::RosterMember => "请在名册中补齐该党员的姓名和所在支部",
            ProblemKind::RosterBranch => "请在名册支部表中补充该支部",
            ProblemKind::SameCount => "请核实各次会议的实到人数是否如实登记",
            ProblemKind::CopiedTopic => "请核实会议主题是否如实登记，不同会议应写明各自内容",
            ProblemKind::SharedTopic => "请核实各支部是否各自开展了活动",
            ProblemKind::SameList => "请核实各次会议的参会人员是否如实登记",
            ProblemKind::Superseded => "无需处理；如后报送的有误，请更正后重报",
            ProblemKind::OwnOutput => "无需处理；请勿把输出文件放进报送材料文件夹",
            ProblemKind::ColumnUnknown => "无需处理；如该列应当读取，请在 plan.toml 中增加表头别名",
            ProblemKind::SheetSkipped => "无需处理",
            ProblemKind::SheetHidden => "无需处理；如其中有台账，请取消隐藏后重报",
            ProblemKind::FileLock => "无需处理",
            ProblemKind::FileHidden => "无需处理",
            ProblemKind::FileOther => "无需处理",
        }
    }

    /// The plausibility warnings (需说明, SPEC 10) found across a branch's year, not in a cell:
    /// the summary's count of data problems leaves them out.
    pub fn is_plausibility(self) -> bool {
        matches!(
            self,
            ProblemKind::SameCount | ProblemKind::SameList | ProblemKind::CopiedTopic | ProblemKind::SharedTopic
        )
    }

    /// Errors leave rows or files out; warnings keep them; notes are for the record.
    pub fn severity(self) -> Severity {
        match self.code().as_bytes()[0] {
            b'E' => Severity::Error,
            b'W' => Severity::Warning,
            _ => Severity::Note,
        }
    }
}

impl Serialize for ProblemKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One data problem. `cell` is an A1 reference (`C12`) or empty for a whole file/sheet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Always `kind.severity()`.
    pub severity: Severity,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub branch: String,
    pub raw: String,
    pub reason: String,
}

impl Problem {
    /// A problem of `kind` in `file` (relative path; empty for the run as a whole).
    pub fn new(kind: ProblemKind, file: &str, reason: impl Into<String>) -> Self {
        Problem {
            kind,
            severity: kind.severity(),
            file: file.to_string(),
            sheet: String::new(),
            cell: String::new(),
            branch: String::new(),
            raw: String::new(),
            reason: reason.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    pub fn hint(&self) -> &'static str {
        self.kind.hint()
    }

    pub fn sheet(mut self, sheet: &str) -> Self {
        self.sheet = sheet.to_string();
        self
    }

    /// Sets the cell from 0-based row and column.
    pub fn at(mut self, row: u32, col: u32) -> Self {
        self.cell = cell_ref(row, col);
        self
    }

    pub fn raw(mut self, raw: impl Into<String>) -> Self {
        self.raw = raw.into();
        self
    }

    pub fn branch(mut self, branch: &str) -> Self {
        self.branch = branch.to_string();
        self
    }
}

/// `file:sheet!C12: reason`, the `check` command's line (SPEC 2). The severity is in
/// issues.csv; here the reason itself says whether the row was left out (本行未计入).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A problem of the run as a whole (no roster given) has no place to name.
        if !self.file.is_empty() {
            write!(f, "{}", self.file)?;
            if !self.sheet.is_empty() {
                write!(f, ":{}", self.sheet)?;
                if !self.cell.is_empty() {
                    write!(f, "!{}", self.cell)?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.reason)?;
        if !self.raw.is_empty() {
            write!(f, "（原值：{}）", self.raw)?;
        }
        Ok(())
    }
}

/// Excel column letters for a 0-based column: 0 → A, 26 → AA.
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A1 reference for 0-based row and column.
pub fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(11, 2), "C12");
        assert_eq!(cell_ref(0, 25), "Z1");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(1048575, 16383), "XFD1048576");
    }

    #[test]
    fn check_line() {
        let p = Problem::new(ProblemKind::DateEmpty, "a/b.xlsx", "日期为空")
            .sheet("1月")
            .at(11, 1)
            .raw("");
        assert_eq!(p.to_string(), "a/b.xlsx:1月!B12: 日期为空");
        let whole_run = Problem::new(ProblemKind::RosterMissing, "", "未提供党员名册");
        assert_eq!(whole_run.to_string(), "未提供党员名册");
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(p.code(), "E-DATE-EMPTY");
    }

    /// Codes are unique, their letter is their severity, every error and warning has a hint.
    #[test]
    fn codes_are_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for k in ProblemKind::ALL {
            assert!(seen.insert(k.code()), "{} twice", k.code());
            assert!(k.code().starts_with(['E', 'W', 'N']) && k.code().as_bytes()[1] == b'-');
            assert!(!k.hint().is_empty() && !k.meaning().is_empty(), "{}", k.code());
        }
    }

    /// The README's code table and the enum agree, row for row.
    #[test]
    fn readme_lists_every_code() {
        let readme = include_str!("../README.md");
        let rows: Vec<Vec<&str>> = readme
            .lines()
            .filter(|l| l.starts_with("| `") && l.contains("-"))
            .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
            .filter(|cells: &Vec<&str>| cells.len() == 4 && cells[0].trim_matches('`').len() > 2)
            .filter(|cells| cells[0].trim_matches('`').as_bytes().get(1) == Some(&b'-'))
            .collect();
        let want: Vec<Vec<String>> = ProblemKind::ALL
            .iter()
            .map(|k| {
                vec![
                    format!("`{}`", k.code()),
                    k.severity().label().to_string(),
                    k.meaning().to_string(),
                    k.hint().to_string(),
                ]
            })
            .collect();
        let got: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert_eq!(got, want);
    }
}
