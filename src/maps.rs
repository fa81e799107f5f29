//! Hash maps and sets for text keys looked up per cell or per row (header readings, branch
//! and member names): foldhash rather than the DoS-proof and several times slower SipHash.
//! The keys come from the office's own files and the run's own vocabulary; a leaf any stage
//! may use.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
