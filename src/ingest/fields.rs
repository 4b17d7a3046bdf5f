//! Field mapping: which JSON keys hold an article's id, title, body, date,
//! source and url. The aliases live in `index-schema/fields.toml`; a run can
//! override any of them (`--field body=content_original`).

use serde::Deserialize;

use crate::Error;

/// The article fields a JSON record can supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleField {
    Id,
    Title,
    Body,
    Date,
    Source,
    Url,
}

impl ArticleField {
    pub const ALL: [ArticleField; 6] = [
        ArticleField::Id,
        ArticleField::Title,
        ArticleField::Body,
        ArticleField::Date,
        ArticleField::Source,
        ArticleField::Url,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ArticleField::Id => "id",
            ArticleField::Title => "title",
            ArticleField::Body => "body",
            ArticleField::Date => "date",
            ArticleField::Source => "source",
            ArticleField::Url => "url",
        }
    }

    fn from_name(name: &str) -> Option<ArticleField> {
        ArticleField::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// JSON keys to try for each article field, in order of preference.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldMap {
    pub id: Vec<String>,
    pub title: Vec<String>,
    pub body: Vec<String>,
    pub date: Vec<String>,
    pub source: Vec<String>,
    pub url: Vec<String>,
    /// Records carry their facets (`actors`, `events`, `mentions`, `dyads`,
    /// `evidence`), as `newsdex tag --with-text` writes them: keep those
    /// instead of tagging (`index --tagged`).
    #[serde(default)]
    pub tagged: bool,
}

#[derive(Deserialize)]
struct FieldsFile {
    aliases: FieldMap,
}

impl FieldMap {
    /// Parses a `fields.toml` document.
    pub fn from_toml(text: &str) -> Result<FieldMap, Error> {
        let file: FieldsFile = toml::from_str(text).map_err(|e| Error::Dictionary {
            file: "fields.toml".into(),
            line: 0,
            reason: e.message().to_string(),
        })?;
        Ok(file.aliases)
    }

    pub fn keys(&self, field: ArticleField) -> &[String] {
        match field {
            ArticleField::Id => &self.id,
            ArticleField::Title => &self.title,
            ArticleField::Body => &self.body,
            ArticleField::Date => &self.date,
            ArticleField::Source => &self.source,
            ArticleField::Url => &self.url,
        }
    }

    fn keys_mut(&mut self, field: ArticleField) -> &mut Vec<String> {
        match field {
            ArticleField::Id => &mut self.id,
            ArticleField::Title => &mut self.title,
            ArticleField::Body => &mut self.body,
            ArticleField::Date => &mut self.date,
            ArticleField::Source => &mut self.source,
            ArticleField::Url => &mut self.url,
        }
    }

    /// Applies a `FIELD=KEY` override: for this run, FIELD is read from KEY only.
    pub fn apply_override(&mut self, spec: &str) -> Result<(), Error> {
        let (field, key) = spec.split_once('=').ok_or_else(|| {
            Error::BadArgument(format!(
                "field override `{spec}` is not FIELD=KEY (for example body=content_original)"
            ))
        })?;
        let field = ArticleField::from_name(field.trim()).ok_or_else(|| {
            Error::BadArgument(format!(
                "unknown article field `{}` in `{spec}`; use one of id, title, body, date, source, url",
                field.trim()
            ))
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::BadArgument(format!("field override `{spec}` names no JSON key")));
        }
        *self.keys_mut(field) = vec![key.to_string()];
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_map() -> FieldMap {
        FieldMap::from_toml(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/index-schema/fields.toml"
        )))
        .unwrap()
    }

    #[test]
    fn default_aliases_cover_the_corpora() {
        let map = default_map();
        assert!(map.body.contains(&"content_original".to_string()));
        assert!(map.id.contains(&"ID".to_string()));
        assert!(map.id.contains(&"_id".to_string()));
        assert!(map.date.contains(&"publishedAt".to_string()));
        assert_eq!(map.title[0], "title");
    }

    #[test]
    fn override_replaces_the_alias_list() {
        let mut map = default_map();
        map.apply_override("body=summary").unwrap();
        assert_eq!(map.keys(ArticleField::Body), ["summary".to_string()]);
    }

    #[test]
    fn bad_overrides_are_errors() {
        let mut map = default_map();
        assert!(map.apply_override("body").is_err());
        assert!(map.apply_override("author=byline").is_err());
        assert!(map.apply_override("body=").is_err());
    }
}
