//! Privacy at the edge: personal identifiers become keyed pseudonyms before anything is stored,
//! postal codes are cut to their postal area (FSA) and birth dates to an age band; and on the way
//! out, pooled figures pass disclosure control ([`disclosure`]).
//!
//! Architecture invariant: the secret key lives in a file outside the database (mode 0600) and
//! never appears in a log, an error message or a stored record.

pub mod disclosure;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use ensemble_model::{AgeBand, PersonKey, geo};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Length of the secret key in bytes.
pub const KEY_LENGTH: usize = 32;

/// What can go wrong with the secret key file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file exists already; it is never overwritten, since every pseudonym depends on it.
    #[error("the key file {0} exists already")]
    Exists(PathBuf),
    /// The file cannot be read.
    #[error("the key file {path} cannot be read: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file cannot be written.
    #[error("the key file {path} cannot be written: {source}")]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not hold a key.
    #[error("the key file {0} does not hold a 64-character hexadecimal key")]
    Malformed(PathBuf),
    /// Others than the owner may read the file.
    #[error("the key file {0} may be read by others than its owner")]
    TooOpen(PathBuf),
}

impl KeyError {
    /// The stable code of the error, for messages.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Exists(_) => "key-file-exists",
            KeyError::Unreadable { .. } => "key-file-unreadable",
            KeyError::Unwritable { .. } => "key-file-unwritable",
            KeyError::Malformed(_) => "key-file-malformed",
            KeyError::TooOpen(_) => "key-file-too-open",
        }
    }

    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            KeyError::Exists(path) | KeyError::Malformed(path) | KeyError::TooOpen(path) => path,
            KeyError::Unreadable { path, .. } | KeyError::Unwritable { path, .. } => path,
        }
    }
}

/// The secret key that turns identifiers into pseudonyms.
#[derive(Clone)]
pub struct SecretKey([u8; KEY_LENGTH]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> SecretKey {
        let mut bytes = [0u8; KEY_LENGTH];
        rand::fill(&mut bytes);
        SecretKey(bytes)
    }

    /// A key from fixed bytes, for tests and reproducible demos.
    pub fn from_bytes(bytes: [u8; KEY_LENGTH]) -> SecretKey {
        SecretKey(bytes)
    }

    /// Writes the key to a new file readable by its owner only. Refuses to overwrite.
    pub fn create_file(&self, path: &Path) -> Result<(), KeyError> {
        if path.exists() {
            return Err(KeyError::Exists(path.to_path_buf()));
        }
        let unwritable = |source| KeyError::Unwritable {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(unwritable)?;
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(unwritable)?;
        writeln!(file, "{}", hex::encode(self.0)).map_err(unwritable)?;
        file.sync_all().map_err(unwritable)
    }

    /// Reads a key file written by [`SecretKey::create_file`]; refuses a file others may read.
    pub fn load_file(path: &Path) -> Result<SecretKey, KeyError> {
        let unreadable = |source| KeyError::Unreadable {
            path: path.to_path_buf(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path).map_err(unreadable)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::TooOpen(path.to_path_buf()));
            }
        }
        let text = fs::read_to_string(path).map_err(unreadable)?;
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Malformed(path.to_path_buf()))?;
        let bytes: [u8; KEY_LENGTH] = bytes.try_into().map_err(|_| KeyError::Malformed(path.to_path_buf()))?;
        Ok(SecretKey(bytes))
    }
}

/// The kind of identifier being keyed; each is normalised its own way so that the same person
/// gets the same pseudonym however the identifier was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentifierKind {
    /// An email address: trimmed, lower case.
    Email,
    /// A phone number: digits only, North American numbers without the leading 1.
    Phone,
    /// A name: folded (case, accents and punctuation ignored).
    Name,
    /// A street address: folded.
    Address,
}

impl IdentifierKind {
    fn tag(self) -> &'static str {
        match self {
            IdentifierKind::Email => "email",
            IdentifierKind::Phone => "phone",
            IdentifierKind::Name => "name",
            IdentifierKind::Address => "address",
        }
    }

    /// The identifier in the form that is keyed.
    pub fn normalize(self, value: &str) -> String {
        match self {
            IdentifierKind::Email => value.trim().to_lowercase(),
            IdentifierKind::Phone => {
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                match digits.strip_prefix('1') {
                    Some(rest) if digits.len() == 11 => rest.to_string(),
                    _ => digits,
                }
            }
            IdentifierKind::Name | IdentifierKind::Address => geo::fold_name(value),
        }
    }
}

/// Turns personal identifiers into keyed pseudonyms (HMAC-SHA-256).
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: HmacSha256,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymizer(…)")
    }
}

impl Pseudonymizer {
    /// A pseudonymizer with this key.
    pub fn new(key: &SecretKey) -> Pseudonymizer {
        let mac =
            HmacSha256::new_from_slice(&key.0).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Pseudonymizer { mac }
    }

    /// The pseudonym of one identifier; `None` when it is empty once normalised.
    pub fn key(&self, kind: IdentifierKind, value: &str) -> Option<PersonKey> {
        let normalized = kind.normalize(value);
        if normalized.is_empty() {
            return None;
        }
        let mut mac = self.mac.clone();
        mac.update(kind.tag().as_bytes());
        mac.update(b":");
        mac.update(normalized.as_bytes());
        Some(PersonKey(hex::encode(mac.finalize().into_bytes())))
    }

    /// The natural key of an imported record: a keyed hash (128 bits, 32 hexadecimal characters)
    /// of the values that identify it, so that file content, which may hold personal values,
    /// never reaches the database in clear.
    pub fn record_key(&self, parts: &[&str]) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"record");
        for part in parts {
            mac.update(b"\x1f");
            mac.update(part.as_bytes());
        }
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The pseudonym of a person from the best identifier available: email, then phone, then
    /// name with postal code.
    pub fn person_key(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
        name_and_postal_code: Option<(&str, &str)>,
    ) -> Option<PersonKey> {
        email
            .and_then(|email| self.key(IdentifierKind::Email, email))
            .or_else(|| phone.and_then(|phone| self.key(IdentifierKind::Phone, phone)))
            .or_else(|| {
                name_and_postal_code.and_then(|(name, postal_code)| {
                    let joined = format!("{name} {postal_code}");
                    self.key(IdentifierKind::Name, &joined)
                })
            })
    }
}

/// The postal area (FSA) of a postal code; the rest of the code is never kept.
pub fn generalize_postal_code(postal_code: &str) -> Option<String> {
    geo::fsa_of(postal_code)
}

/// The age band of a person born on `birth_date`, on `reference_date`.
pub fn age_band(birth_date: NaiveDate, reference_date: NaiveDate) -> Option<AgeBand> {
    let mut age = reference_date.year() - birth_date.year();
    if (reference_date.month(), reference_date.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    let band = match age {
        ..0 => return None,
        0..=17 => AgeBand::Under18,
        18..=24 => AgeBand::From18To24,
        25..=34 => AgeBand::From25To34,
        35..=44 => AgeBand::From35To44,
        45..=54 => AgeBand::From45To54,
        55..=64 => AgeBand::From55To64,
        _ => AgeBand::From65,
    };
    Some(band)
}

/// A password as stored: an argon2id hash in PHC form (`$argon2id$v=19$...`), with its own salt.
pub fn hash_password(password: &str) -> Option<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).ok()?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|hash| hash.to_string())
}

/// Whether a password matches a stored hash (false for a malformed hash).
pub fn verify_password(password: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(stored).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A new secret token (session or API): 32 random bytes in hexadecimal. Only its digest is stored.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

/// The digest under which a token is stored (SHA-256, hexadecimal): a stolen database does not
/// give usable tokens.
pub fn token_digest(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_hashes_with_their_own_salt() {
        let first = hash_password("Marées fictives 2026").unwrap();
        let second = hash_password("Marées fictives 2026").unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify_password("Marées fictives 2026", &first));
        assert!(!verify_password("marées fictives 2026", &first));
        assert!(!verify_password("Marées fictives 2026", "pas un hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_as_digests() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        assert_eq!(token_digest(&token).len(), 64);
        assert_ne!(token_digest(&token), token);
        assert_eq!(token_digest(&token), token_digest(&token));
    }

    fn pseudonymizer() -> Pseudonymizer {
        Pseudonymizer::new(&SecretKey::from_bytes([7; KEY_LENGTH]))
    }

    #[test]
    fn same_person_same_key_whatever_the_typing() {
        let p = pseudonymizer();
        let a = p.key(IdentifierKind::Email, "  Camille.Fictive@Example.org ");
        let b = p.key(IdentifierKind::Email, "camille.fictive@example.org");
        assert_eq!(a, b);
        let c = p.key(IdentifierKind::Phone, "+1 (514) 555-0199");
        let d = p.key(IdentifierKind::Phone, "514.555.0199");
        assert_eq!(c, d);
        assert!(a.as_ref().is_some_and(PersonKey::is_well_formed));
        assert_ne!(a, c);
    }

    #[test]
    fn key_depends_on_secret_and_hides_the_value() {
        let other = Pseudonymizer::new(&SecretKey::from_bytes([8; KEY_LENGTH]));
        let a = pseudonymizer().key(IdentifierKind::Email, "camille.fictive@example.org");
        let b = other.key(IdentifierKind::Email, "camille.fictive@example.org");
        assert_ne!(a, b);
        let text = a.map(|k| k.0).unwrap_or_default();
        assert!(!text.contains("camille"));
        assert_eq!(pseudonymizer().key(IdentifierKind::Email, "   "), None);
    }

    #[test]
    fn person_key_prefers_email() {
        let p = pseudonymizer();
        let by_email = p.person_key(Some("a@example.org"), Some("5145550199"), None);
        assert_eq!(by_email, p.key(IdentifierKind::Email, "a@example.org"));
        let by_phone = p.person_key(None, Some("5145550199"), None);
        assert_eq!(by_phone, p.key(IdentifierKind::Phone, "5145550199"));
        let by_name = p.person_key(None, None, Some(("Camille Fictive", "H2X 1Y4")));
        assert!(by_name.is_some());
        assert_eq!(p.person_key(None, None, None), None);
    }

    #[test]
    fn age_bands_on_both_sides_of_birthdays() {
        let born = NaiveDate::from_ymd_opt(2000, 6, 15);
        let day_before = NaiveDate::from_ymd_opt(2018, 6, 14);
        let birthday = NaiveDate::from_ymd_opt(2018, 6, 15);
        let (Some(born), Some(day_before), Some(birthday)) = (born, day_before, birthday) else {
            panic!("dates");
        };
        assert_eq!(age_band(born, day_before), Some(AgeBand::Under18));
        assert_eq!(age_band(born, birthday), Some(AgeBand::From18To24));
        assert_eq!(age_band(birthday, born), None);
    }

    #[test]
    fn postal_codes_become_fsas() {
        assert_eq!(generalize_postal_code("h2x 1y4").as_deref(), Some("H2X"));
        assert_eq!(generalize_postal_code("not a code"), None);
    }

    #[test]
    fn key_file_round_trip_is_private_and_never_overwritten() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("tempdir") };
        let path = dir.path().join("ensemble.key");
        let key = SecretKey::from_bytes([9; KEY_LENGTH]);
        assert!(key.create_file(&path).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        let loaded = SecretKey::load_file(&path);
        assert!(matches!(loaded, Ok(SecretKey(bytes)) if bytes == [9; KEY_LENGTH]));
        assert!(matches!(key.create_file(&path), Err(KeyError::Exists(_))));
    }
}
