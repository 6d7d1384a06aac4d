//! What docklings keeps on disk: where its folder is (`home`), its own small records
//! (`journal`), the learner's lab files (`workspace`), and the two file-system helpers
//! every writer shares: replacing a file atomically (`atomic`) and a private temporary
//! folder that removes itself (`temp`).

pub(crate) mod atomic;
pub(crate) mod home;
pub(crate) mod journal;
pub(crate) mod temp;
pub(crate) mod workspace;
