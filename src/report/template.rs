//! The standard blank ledger (`branchstat template`). In: optional roster and year. Out: an
//! .xlsx with instructions, the 登记表 header, drop-down lists and validation.

use anyhow::Result;
use std::path::Path;

pub fn write_template(_roster: Option<&Path>, _year: Option<i32>, _out: &Path) -> Result<()> {
    anyhow::bail!("template 命令尚未完成（not yet）")
}
