//! The fixed vocabulary of party-branch ledgers: activity type codes with their Chinese
//! labels and aliases (SPEC 4), and the ledger column fields with their header aliases
//! (SPEC 3.1). In: nothing. Out: lookup tables that `config` extends from plan.toml and
//! `normalize` matches text against.

use serde::{Deserialize, Serialize};

/// An activity type, by its fixed code (the keys of metrics.json).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    MemberMeeting,
    CommitteeMeeting,
    GroupMeeting,
    PartyLecture,
    ThemeDay,
    PoliticalStudy,
    IntegrityEducation,
    DisciplineInspection,
    SecretaryTraining,
    OrgLifeMeeting,
    DemocraticReview,
    VolunteerService,
    Other,
}

/// Its code, as metrics.json writes it.
impl std::fmt::Display for ActivityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl ActivityType {
    /// Every type, in the order reports list them.
    pub const ALL: [ActivityType; 13] = [
        Self::MemberMeeting,
        Self::CommitteeMeeting,
        Self::GroupMeeting,
        Self::PartyLecture,
        Self::ThemeDay,
        Self::PoliticalStudy,
        Self::IntegrityEducation,
        Self::DisciplineInspection,
        Self::SecretaryTraining,
        Self::OrgLifeMeeting,
        Self::DemocraticReview,
        Self::VolunteerService,
        Self::Other,
    ];

    /// The code used in metrics.json and the normalized data.
    pub fn code(self) -> &'static str {
        match self {
            Self::MemberMeeting => "member_meeting",
            Self::CommitteeMeeting => "committee_meeting",
            Self::GroupMeeting => "group_meeting",
            Self::PartyLecture => "party_lecture",
            Self::ThemeDay => "theme_day",
            Self::PoliticalStudy => "political_study",
            Self::IntegrityEducation => "integrity_education",
            Self::DisciplineInspection => "discipline_inspection",
            Self::SecretaryTraining => "secretary_training",
            Self::OrgLifeMeeting => "org_life_meeting",
            Self::DemocraticReview => "democratic_review",
            Self::VolunteerService => "volunteer_service",
            Self::Other => "other",
        }
    }

    /// The Chinese label users see.
    pub fn label(self) -> &'static str {
        match self {
            Self::MemberMeeting => "支部党员大会",
            Self::CommitteeMeeting => "支部委员会",
            Self::GroupMeeting => "党小组会",
            Self::PartyLecture => "党课",
            Self::ThemeDay => "主题党日",
            Self::PoliticalStudy => "政治学习",
            Self::IntegrityEducation => "廉政教育",
            Self::DisciplineInspection => "纪律作风检查",
            Self::SecretaryTraining => "支部书记培训",
            Self::OrgLifeMeeting => "组织生活会",
            Self::DemocraticReview => "民主评议党员",
            Self::VolunteerService => "志愿服务",
            Self::Other => "其他",
        }
    }

    /// The built-in aliases (the label itself included).
    pub fn builtin_aliases(self) -> &'static [&'static str] {
        match self {
            Self::MemberMeeting => &["支部党员大会", "党员大会", "全体党员大会", "支部大会"],
            Self::CommitteeMeeting => &["支部委员会", "支委会", "支委会议", "支部委员会会议"],
            Self::GroupMeeting => &["党小组会", "党小组会议", "小组会"],
            Self::PartyLecture => &["党课", "讲党课", "上党课", "专题党课", "微党课"],
            Self::ThemeDay => &["主题党日", "主题党日活动", "固定党日", "党员活动日"],
            Self::PoliticalStudy => &["政治学习", "理论学习", "集中学习", "专题学习", "学习研讨"],
            Self::IntegrityEducation => &["廉政教育", "警示教育", "廉洁教育"],
            Self::DisciplineInspection => &["纪律作风检查", "作风检查", "明察暗访", "专项检查"],
            Self::SecretaryTraining => &["支部书记培训", "书记培训"],
            Self::OrgLifeMeeting => &["组织生活会", "专题组织生活会"],
            Self::DemocraticReview => &["民主评议党员", "民主评议"],
            Self::VolunteerService => &["志愿服务", "志愿活动"],
            Self::Other => &["其他"],
        }
    }

    pub fn from_code(code: &str) -> Option<ActivityType> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Position in [`ActivityType::ALL`], for stable ordering.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A ledger column the pipeline understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Seq,
    Date,
    Type,
    Topic,
    Host,
    Expected,
    Present,
    Attendees,
    Absentees,
    /// 请假人数 / 缺席人数: how many were absent.
    AbsentCount,
    /// 列席人员: observers, who are no members' attendance.
    Observers,
    Location,
    Group,
    Branch,
    Note,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Self::Seq,
        Self::Date,
        Self::Type,
        Self::Topic,
        Self::Host,
        Self::Expected,
        Self::Present,
        Self::Attendees,
        Self::Absentees,
        Self::AbsentCount,
        Self::Observers,
        Self::Location,
        Self::Group,
        Self::Branch,
        Self::Note,
    ];

    /// Built-in header aliases, most specific first: where two columns of one sheet map to
    /// the same field equally well, the one whose header comes earlier in this list is used.
    /// (`会议名称` / `活动名称` are read by `normalize::header` as the type where no type
    /// column exists, else as the topic.)
    pub fn builtin_aliases(self) -> &'static [&'static str] {
        match self {
            Self::Seq => &["序号", "编号"],
            Self::Date => &[
                "日期",
                "活动日期",
                "会议日期",
                "活动时间",
                "会议时间",
                "召开时间",
                "时间",
            ],
            Self::Type => &["活动类型", "会议类型", "类型", "活动形式", "会议类别", "活动类别"],
            Self::Topic => &[
                "主题",
                "内容",
                "会议主题",
                "活动主题",
                "学习内容",
                "议题",
                "活动内容",
                "会议内容",
                "会议议题",
            ],
            Self::Host => &["主持人", "讲课人", "授课人", "主讲人", "主持人姓名"],
            Self::Expected => &["应到", "应到人数", "应参加人数", "应参会人数", "应到人员"],
            Self::Present => &["实到", "实到人数", "参加人数", "参会人数", "出席人数"],
            Self::Attendees => &["参会人员", "参加人员", "出席人员", "参会人员名单", "参加人员名单"],
            Self::Absentees => &[
                "缺席人员",
                "缺席",
                "请假人员",
                "缺席人员及原因",
                "未参加人员",
                "缺勤人员",
            ],
            Self::AbsentCount => &["请假人数", "缺席人数", "缺勤人数", "未到人数", "未参加人数"],
            Self::Observers => &["列席人员", "列席", "列席人员名单"],
            Self::Location => &["地点", "活动地点", "会议地点"],
            Self::Group => &["党小组", "小组", "所在党小组", "党小组名称"],
            Self::Branch => &["支部", "党支部", "支部名称", "所在支部", "党支部名称", "所在党支部"],
            Self::Note => &["备注"],
        }
    }

    /// The name written in normalized outputs and the template.
    pub fn label(self) -> &'static str {
        match self {
            Self::Seq => "序号",
            Self::Date => "日期",
            Self::Type => "活动类型",
            Self::Topic => "主题",
            Self::Host => "主持人",
            Self::Expected => "应到",
            Self::Present => "实到",
            Self::Attendees => "参会人员",
            Self::Absentees => "缺席人员",
            Self::AbsentCount => "请假人数",
            Self::Observers => "列席人员",
            Self::Location => "地点",
            Self::Group => "党小组",
            Self::Branch => "支部",
            Self::Note => "备注",
        }
    }

    pub fn from_label(s: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.label() == s)
    }
}
