//! The GitHub Actions the generated workflows use, pinned to full commit SHAs.
//!
//! A tag such as `v5` can be moved to other code by whoever controls the action's
//! repository; a commit SHA cannot. The version comment says which release the SHA
//! is, for review and for update bots. This table is the only place pins live:
//! `scripts/action-pins.sh` lists it for review, and every workflow this tool writes
//! takes its `uses:` lines from here.
//!
//! Each SHA was read from public workflows that pin the same SHA with the same
//! version comment in more than one repository (GitHub itself is not reachable
//! from the machines this is developed on). To update one: take the commit of the
//! new release tag (`git ls-remote https://github.com/OWNER/REPO refs/tags/vX.Y.Z`),
//! change the row, run `SNAPSHOTS=overwrite cargo test --test cli init::`, review the diff.

/// One pinned action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    /// `owner/repo`.
    pub action: &'static str,
    pub sha: &'static str,
    /// The release tag the SHA belongs to.
    pub version: &'static str,
}

impl Pin {
    /// The `uses:` value with its version comment: `owner/repo@sha # vX.Y.Z`.
    pub fn uses(&self) -> String {
        format!("{}@{} # {}", self.action, self.sha, self.version)
    }
}

pub const CHECKOUT: Pin = Pin {
    action: "actions/checkout",
    sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    version: "v5.0.0",
};

pub const UPLOAD_ARTIFACT: Pin = Pin {
    action: "actions/upload-artifact",
    sha: "ea165f8d65b6e75b540449e92b4886f43607fa02",
    version: "v4.6.2",
};

/// The same major version as [`UPLOAD_ARTIFACT`]: v4 artifacts are not readable by v3.
pub const DOWNLOAD_ARTIFACT: Pin = Pin {
    action: "actions/download-artifact",
    sha: "d3f86a106a0bac45b974a628896c90dbdf5c8093",
    version: "v4.3.0",
};

pub const MATURIN: Pin = Pin {
    action: "PyO3/maturin-action",
    sha: "e83996d129638aa358a18fbd1dfb82f0b0fb5d3b",
    version: "v1.51.0",
};

/// Trusted publishing to crates.io: exchanges the job's OIDC token for a
/// crates.io token that lives only for the job (revoked in the action's post step).
pub const CRATES_IO_AUTH: Pin = Pin {
    action: "rust-lang/crates-io-auth-action",
    sha: "b7e9a28eded4986ec6b1fa40eeee8f8f165559ec",
    version: "v1.0.3",
};

/// The Python interpreters a wheel job builds for, where the runner image would
/// otherwise decide (macOS and Windows; the manylinux containers have them all).
pub const SETUP_PYTHON: Pin = Pin {
    action: "actions/setup-python",
    sha: "a26af69be951a213d495a4c3e4e4022e16d87065",
    version: "v5.6.0",
};

/// GitHub artifact attestations (SLSA build provenance, signed with the job's
/// OIDC identity) for the wheels, the sdist and the `.crate` files.
pub const ATTEST_BUILD_PROVENANCE: Pin = Pin {
    action: "actions/attest-build-provenance",
    sha: "e8998f949152b193b063cb0ec769d69d929409be",
    version: "v2.4.0",
};

/// Every pin, for `scripts/action-pins.sh` and the tests.
pub const ALL: &[Pin] = &[
    CHECKOUT,
    UPLOAD_ARTIFACT,
    DOWNLOAD_ARTIFACT,
    MATURIN,
    CRATES_IO_AUTH,
    SETUP_PYTHON,
    ATTEST_BUILD_PROVENANCE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_full_shas_with_a_version() {
        for pin in ALL {
            assert_eq!(pin.sha.len(), 40, "{pin:?}");
            assert!(
                pin.sha
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert!(pin.version.starts_with('v'), "{pin:?}");
        }
    }
}
