//! §8: whether a bundle's database schema is this installation's. One
//! comparison for `inspect`, `verify` and `import`, so that they cannot
//! disagree about a version.

use bemx_format::SchemaInfo;

/// How a bundle's schema compares with this database's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaMatch {
    /// Same version and fingerprint.
    Same,
    /// Another schema version.
    VersionDiffers {
        /// The bundle's.
        theirs: u64,
        /// Ours.
        ours: u64,
    },
    /// Another profile, profile version or derived graph (§8): each side
    /// as `name version N, graph <short hex>`.
    ProfileDiffers {
        /// The bundle's.
        theirs: String,
        /// Ours.
        ours: String,
    },
    /// Same version number, different schema.
    FingerprintDiffers {
        /// The version both claim.
        version: u64,
        /// The bundle's fingerprint, short hex.
        theirs: String,
        /// Ours, short hex.
        ours: String,
    },
}

/// Compares the schema a bundle names with the database behind `conn`.
pub fn compare(conn: &rusqlite::Connection, theirs: &SchemaInfo) -> Result<SchemaMatch, crate::InstallError> {
    let ours = u64::from(bemx_db::SCHEMA_VERSION);
    if theirs.version != ours {
        return Ok(SchemaMatch::VersionDiffers { theirs: theirs.version, ours });
    }
    // What travels and how it is matched first: it names the cause more
    // exactly than the fingerprint of the whole schema.
    let graph = bemx_db::installation_graph(conn)?;
    let ours_graph = graph.hash();
    if theirs.profile != graph.profile
        || theirs.profile_version != u64::from(graph.profile_version)
        || theirs.graph != ours_graph
    {
        let show =
            |name: &str, version: u64, hash: &[u8; 32]| format!("{name} {version} ({})", hex::encode(&hash[..6]));
        return Ok(SchemaMatch::ProfileDiffers {
            theirs: show(&theirs.profile, theirs.profile_version, &theirs.graph),
            ours: show(&graph.profile, u64::from(graph.profile_version), &ours_graph),
        });
    }
    let fingerprint = bemx_db::schema_fingerprint(conn)?;
    if theirs.fingerprint != fingerprint {
        return Ok(SchemaMatch::FingerprintDiffers {
            version: ours,
            theirs: hex::encode(&theirs.fingerprint[..6]),
            ours: hex::encode(&fingerprint[..6]),
        });
    }
    Ok(SchemaMatch::Same)
}

/// Whether the installation behind `conn` works through `profile` (`bemx
/// --profile FILE`): the same name, version and derived graph as the one it
/// records (the built-in one on bemx's own database). A profile that does
/// not even describe the database is refused as such.
pub fn profile_is(conn: &rusqlite::Connection, profile: &bemx_db::Profile) -> Result<(), crate::InstallError> {
    let recorded = bemx_db::installation_graph(conn)?;
    let given = bemx_db::derive(conn, profile)?;
    if (&given.profile, given.profile_version, given.hash())
        == (&recorded.profile, recorded.profile_version, recorded.hash())
    {
        return Ok(());
    }
    let show = |g: &bemx_db::Graph| format!("{} {} ({})", g.profile, g.profile_version, hex::encode(&g.hash()[..6]));
    Err(crate::InstallError::OtherProfile { given: show(&given), recorded: show(&recorded) })
}
