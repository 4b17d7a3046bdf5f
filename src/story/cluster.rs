//! Grouping articles into stories, earliest first: an article joins the
//! story of the earlier lead article it is most like (fingerprints sharing
//! a band, [`Similarity::same_story`], dated within [`MAX_DAYS_APART`]
//! days), or leads a story of its own. Its id is the id of its earliest report, so
//! that it reads as an article a user can look up, and stays the same when
//! later reports join.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::fingerprint::Fingerprint;
#[cfg(doc)]
use super::Similarity;

/// Versions of one report appear within days of each other; the same text
/// weeks apart is a recurring item (a weekly table, a standing column).
pub const MAX_DAYS_APART: i64 = 3;

/// One article as clustering sees it.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    /// Seconds since the epoch; undated articles sort after dated ones.
    pub date: Option<i64>,
    pub fingerprint: Option<Fingerprint>,
}

/// The stories of a set of members: `story_of[n]` is member `n`'s story,
/// an index into `ids` and `reports`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stories {
    pub story_of: Vec<u32>,
    /// Each story's id: its earliest report's article id.
    pub ids: Vec<String>,
    /// Each story's number of reports.
    pub reports: Vec<u32>,
}

pub fn cluster(members: &[Member]) -> Stories {
    // Earliest first: a story's first report leads it, and every later
    // report joins the lead it is most like. Joining a lead, not any
    // member, keeps stories from chaining: A like B and B like C does not
    // make A and C one story unless C is like A's lead.
    let mut order: Vec<u32> = (0..members.len() as u32).collect();
    order.sort_by(|&a, &b| order_key(&members[a as usize]).cmp(&order_key(&members[b as usize])));
    let mut lead_of: Vec<u32> = (0..members.len() as u32).collect();
    // Per band key, the latest lead having it; `earlier` chains each entry
    // to the lead before it with that key (a list per key without a vector
    // per key: 32 keys an article made 1.8 million small vectors).
    let mut latest: FxHashMap<u64, u32> = FxHashMap::default();
    latest.reserve(members.len() * 4);
    let mut entries: Vec<(u32, u32)> = Vec::with_capacity(members.len() * 4);
    let mut candidates: Vec<u32> = Vec::new();
    for &n in &order {
        let member = &members[n as usize];
        let Some(fingerprint) = &member.fingerprint else {
            continue;
        };
        let bands = fingerprint.bands();
        candidates.clear();
        for key in &bands {
            // Leads come in date order: only the latest few can be close
            // enough in time, and a key shared by many leads is text repeated
            // across articles (a footer, a template), not a story.
            let mut entry = latest.get(key).copied().unwrap_or(NONE);
            for _ in 0..LEADS_PER_KEY {
                let Some(&(lead, earlier)) = entries.get(entry as usize) else {
                    break;
                };
                if close_in_time(&members[lead as usize], member) {
                    candidates.push(lead);
                }
                entry = earlier;
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let best = candidates
            .iter()
            .filter_map(|&lead| {
                let lead_print = members[lead as usize].fingerprint.as_ref()?;
                let similarity = lead_print.similarity(fingerprint);
                similarity.same_story().then_some((similarity.jaccard, lead))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        match best {
            Some((_, lead)) => lead_of[n as usize] = lead,
            None => {
                for key in bands {
                    let earlier = latest.insert(key, entries.len() as u32).unwrap_or(NONE);
                    entries.push((n, earlier));
                }
            }
        }
    }
    // Number the stories in member order, each named after its lead.
    let mut number: HashMap<u32, u32> = HashMap::new();
    let mut stories = Stories {
        story_of: Vec::with_capacity(members.len()),
        ..Stories::default()
    };
    for &lead in &lead_of {
        let next = stories.ids.len() as u32;
        let story = *number.entry(lead).or_insert_with(|| {
            stories.ids.push(members[lead as usize].id.clone());
            stories.reports.push(0);
            next
        });
        stories.reports[story as usize] += 1;
        stories.story_of.push(story);
    }
    stories
}

/// Leads looked at per band key, latest first.
const LEADS_PER_KEY: usize = 16;
/// The end of a key's list of leads.
const NONE: u32 = u32::MAX;

fn order_key(m: &Member) -> (bool, i64, &str) {
    (m.date.is_none(), m.date.unwrap_or(0), &m.id)
}

/// Dated within [`MAX_DAYS_APART`] calendar days of each other, or both
/// undated. An undated article joined to dated ones could chain a
/// recurring item's issues of every month into one story.
fn close_in_time(a: &Member, b: &Member) -> bool {
    match (a.date, b.date) {
        (Some(a), Some(b)) => (a.div_euclid(86_400) - b.div_euclid(86_400)).abs() <= MAX_DAYS_APART,
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, date: Option<i64>, text: &str) -> Member {
        Member {
            id: id.into(),
            date,
            fingerprint: Fingerprint::of(text),
        }
    }

    fn words(from: usize, to: usize) -> String {
        (from..to).map(|n| format!("w{n} ")).collect()
    }

    #[test]
    fn versions_of_one_report_form_a_story_named_after_the_earliest() {
        let members = vec![
            member("update", Some(200), &(words(0, 500) + &words(900, 700 + 300))),
            member("unrelated", Some(100), &words(2000, 2500)),
            member("wire", Some(150), &words(0, 500)),
            member("trimmed", Some(300), &words(0, 300)),
            member("short", Some(50), "too short"),
            member("next month", Some(150 + 30 * 86_400), &words(0, 500)),
            member("undated copy", None, &words(0, 500)),
            member("undated reprint", None, &words(0, 480)),
        ];
        let stories = cluster(&members);
        let story = |n: usize| stories.story_of[n] as usize;
        assert_eq!(story(0), story(2));
        assert_eq!(story(2), story(3));
        assert_ne!(story(5), story(2));
        assert_ne!(story(6), story(2));
        assert_eq!(story(6), story(7));
        assert_ne!(story(1), story(2));
        assert_ne!(story(4), story(2));
        assert_eq!(stories.ids[story(2)], "wire");
        assert_eq!(stories.reports[story(2)], 3);
        assert_eq!(stories.ids[story(4)], "short");
        assert_eq!(stories.ids.len(), 5);
    }

    #[test]
    fn a_story_does_not_chain_through_its_later_reports() {
        // B is like A and C is like B, but C is not like A: two stories.
        let members = vec![
            member("a", Some(0), &words(0, 400)),
            member("b", Some(60), &words(80, 480)),
            member("c", Some(120), &words(160, 560)),
        ];
        let stories = cluster(&members);
        assert_eq!(stories.story_of[0], stories.story_of[1]);
        assert_ne!(stories.story_of[2], stories.story_of[0]);
    }

    #[test]
    fn a_widely_shared_band_is_compared_through_leaders() {
        // 100 copies of one text: one story, without 4,950 comparisons per band.
        let text = words(0, 200);
        let members: Vec<Member> = (0..100)
            .map(|n| member(&format!("c{n:03}"), Some(n * 60), &text))
            .collect();
        let stories = cluster(&members);
        assert_eq!(stories.reports, vec![100]);
        assert_eq!(stories.ids, vec!["c000".to_string()]);
    }
}
