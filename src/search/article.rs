//! One article by id, whole: its stored text, facets with their names,
//! dyad evidence and story, for the page's article view and `/api/articles`.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::{highlighter, hit_facets, HitStory, SearchHit, SearchRequest, Searcher, TITLE_SNIPPET_CHARS};
use crate::store;
use crate::tag::Labels;
use crate::Error;

/// An article as a hit (facets, evidence, story) with its whole body.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    #[serde(flatten)]
    pub hit: SearchHit,
    pub body: String,
    /// The display name of every facet value it carries.
    pub labels: BTreeMap<String, String>,
}

impl ArticleView {
    pub fn label_with(&mut self, labels: &Labels) {
        let hit = &self.hit;
        let paths = hit
            .actors
            .iter()
            .chain(&hit.events)
            .chain(&hit.mentions)
            .chain(&hit.dyads);
        self.labels = labels.for_paths(paths);
    }
}

impl Searcher {
    /// The article whose id is `id`, if the index holds it.
    pub fn article(&self, id: &str) -> Result<Option<ArticleView>, Error> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(self.schema.id, id), IndexRecordOption::Basic);
        let Some((_, address)) = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let (article, evidence) = store::decode(&self.schema, &doc);
        let facets = hit_facets(&searcher, None, &[address])?.pop().unwrap_or_default();
        let mut highlighters = (
            highlighter(&searcher, &AllQuery, self.schema.body, 200)?,
            highlighter(&searcher, &AllQuery, self.schema.title, TITLE_SNIPPET_CHARS)?,
        );
        let body = article.body.clone();
        let mut request = SearchRequest::new("*");
        request.evidence = true;
        let mut hit = self.hit(&request, 1, None, (article, evidence), facets, &mut highlighters);
        hit.story = Some(HitStory::of(&*self.story_table(&searcher)?, address, None));
        Ok(Some(ArticleView {
            hit,
            body,
            labels: BTreeMap::new(),
        }))
    }
}
