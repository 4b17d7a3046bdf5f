//! Events: the event cues of a text that stand, what they are coded as, and
//! their parties. A `VERB ... OBJECT` cue whose object follows outranks the
//! bare words inside it; a negation just before a cue cancels it; an event
//! only intended or threatened is coded as the agreement or threat it is.

use std::ops::Range;

use super::cues::{Cue, EVENT, GUARDS, OBJECT_EVENT, OBJECT_ONLY, ONE_WORD_MODIFIER, RELEASE, REPORTS};
use super::dictionary::{GuardKind, EVENT_TYPES};
use super::entities::PlacedEntity;
use super::extract::{Extractor, Passage, SentenceAnalysis};
use super::participants::{is_passive, CueSite, CLOSING_WORDS};
use super::scan::Hit;
use super::tags::{Entity, EntityKind, SentenceEvent};
use super::text::{
    aside_after, at_sentence_start, has_any_word, is_ascii_space, lowercase, next_word, previous_word, start_of,
    within_words, word_after, word_before, words_between,
};
use super::HashSet;
use crate::words::{is_alphanumeric, words};

/// The `VERB ... OBJECT` cues whose object was found after the verb.
struct ObjectMatches {
    /// Where the objects found sit.
    spans: Vec<Range<usize>>,
    /// Where the verbs of those cues start.
    heads: HashSet<usize>,
    /// The cues found, as (hit, cue of the hit).
    cues: HashSet<(usize, usize)>,
}

impl ObjectMatches {
    /// Whether event cue `cue` of hit `h` stands: a `VERB ... OBJECT` cue
    /// when its object was found, a bare cue unless a found one outranks it
    /// ("lifted ... curfew" is not also a curfew, "imposed ... sanctions"
    /// not also a bare "imposed").
    fn keep(&self, h: usize, cue: usize, hit: &Hit, has_object: bool) -> bool {
        if has_object {
            self.cues.contains(&(h, cue))
        } else {
            let inside_object = self.spans.iter().any(|o| o.start <= hit.start && hit.start < o.end);
            !(inside_object || self.heads.contains(&hit.start))
        }
    }
}

impl Extractor {
    /// The events of a text, filed by sentence in text order, each with its
    /// sources and targets among the `placed` entities.
    pub(super) fn find_events(&self, passage: &Passage, placed: &[PlacedEntity], sentences: &mut [SentenceAnalysis]) {
        let (text, hits) = (passage.text, passage.hits.as_slice());
        let reporting: Vec<Range<usize>> = hits
            .iter()
            .filter(|h| self.cue_kinds[h.cue as usize] & REPORTS != 0)
            .map(|h| h.start..h.end)
            .collect();
        let guards: Vec<(usize, GuardKind)> = hits
            .iter()
            .filter(|h| self.cue_kinds[h.cue as usize] & GUARDS != 0)
            .flat_map(|h| {
                self.cues[h.cue as usize].iter().filter_map(move |c| match c {
                    Cue::Guard(kind) => Some((h.end, *kind)),
                    _ => None,
                })
            })
            .collect();
        let objects = self.match_objects(passage);
        // The last accusation read, for the act it charges ("X accused Y of …").
        let mut accusation: Option<Accusation> = None;
        // The last appeal read ("urged Washington to …"): its sentence and
        // its cue.
        let mut appeal: Option<(usize, Range<usize>)> = None;
        for (h, hit) in hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & EVENT == 0
                || self.in_compound(text, hit)
                || (!passage.headline && self.in_proper_name(text, hit))
                || self.describes_a_topic(text, hit)
            {
                continue;
            }
            for (c, cue) in self.cues[hit.cue as usize].iter().enumerate() {
                let Cue::Event {
                    event_type,
                    mode,
                    weight,
                    object,
                } = cue
                else {
                    continue;
                };
                let sentence = passage.sentence_of(hit.start);
                let sentence_end = passage.sentence_end_of(hit.start);
                if !objects.keep(h, c, hit, object.is_some()) {
                    continue;
                }
                let sentence_start = passage.bounds.get(sentence).map_or(0, |r| r.start);
                let cue_word = lowercase(&text[hit.start..hit.end]);
                // "Israel urged Washington not to suspend its aid to Cairo":
                // what an appeal asks for is no event of its own.
                if appeal
                    .as_ref()
                    .is_some_and(|(s, cue)| *s == sentence && asked_for(text, cue.clone(), hit.start))
                {
                    continue;
                }
                let mut event_type = EVENT_TYPES[*event_type as usize];
                let mut mode = mode.clone();
                if event_type == "assault" {
                    if self
                        .verbal_attack_words
                        .contains(lowercase(previous_word(text, hit.start)).as_ref())
                    {
                        // "personal attacks", "a blistering attack on the
                        // senator": words, not force.
                        event_type = "accuse";
                        mode = Some("disapprove".to_string());
                    } else if !self.said_with_force(text, hit, &cue_word, sentence_start..sentence_end) {
                        continue;
                    }
                }
                // "Hamas released 20 living hostages": those released were
                // taken before; the release is the news, not a new abduction.
                if mode.as_deref() == Some("abduct")
                    && sentences[sentence].events.last().is_some_and(|release| {
                        release.event_type == "retreat"
                            && release.mode.as_deref() == Some("release")
                            && close_after(text, release.cue.end, hit.start, RELEASED_WORDS)
                    })
                {
                    continue;
                }
                if event_type == "coerce"
                    && mode.as_deref() == Some("restrict")
                    && self.restricts_trade(text, hit, sentence_end)
                {
                    // A ban on another economy's goods is a sanction.
                    event_type = "sanction";
                    mode = None;
                }
                let shape = self.cue_shapes[hit.cue as usize];
                if event_type == "retreat" && shape & RELEASE != 0 && self.publishes(text, hit, sentence_end) {
                    continue;
                }
                if shape & OBJECT_ONLY != 0 && !self.object_follows(text, hit) {
                    continue;
                }
                if self.opinion_cues.contains(cue_word.as_ref())
                    && next_word(text, hit.end).eq_ignore_ascii_case("that")
                {
                    continue;
                }
                let mut unrealised_event = false;
                match governing_guard(text, &guards, sentence_start, hit.start) {
                    Some(GuardKind::Negation) => continue,
                    Some(kind @ (GuardKind::Hypothetical | GuardKind::Threat)) => {
                        // "will withdraw its troops unless …" is an ultimatum.
                        let threatened = kind == GuardKind::Threat
                            || has_any_word(&text[hit.end..sentence_end], &self.ultimatum_words);
                        (event_type, mode) = unrealised(event_type, mode, threatened);
                        unrealised_event = true;
                    }
                    _ => {}
                }
                let subject_is_target = self.subject_is_target.contains(cue_word.as_ref());
                let site = CueSite {
                    sentence: sentence_start..sentence_end,
                    cue: hit.start..hit.end,
                    subject_is_target,
                    attribution: reporting
                        .iter()
                        .map(|r| r.start)
                        .find(|r| *r > hit.end && *r < sentence_end)
                        .map(|r| (r, within_words(text, r, sentence_end, CLOSING_WORDS))),
                    // Attacks are what third parties attribute ("Ukraine said
                    // Russian hackers attacked …"); a speaker is more often the
                    // one acting in its own statements of help or talks.
                    subject_from: if matches!(event_type, "coerce" | "assault") {
                        // Reporting words are in text order.
                        let before = reporting.partition_point(|r| r.start < hit.start);
                        reporting[..before]
                            .iter()
                            .rev()
                            .take_while(|r| r.start >= sentence_start)
                            .find(|r| r.end <= hit.start)
                            .map(|r| r.end)
                    } else {
                        None
                    }
                    .max(self.clause_start(text, placed, sentence_start, hit.start)),
                    protest: event_type == "protest",
                    attack: event_type == "assault",
                    reciprocal: self.reciprocal_types.contains(event_type),
                    mediation: event_type == "consult" && mode.as_deref() == Some("third-party"),
                    noun_phrase: if event_type == "assault" {
                        self.named_act(text, hit, sentence_start)
                    } else {
                        None
                    },
                };
                // "indicted on charges": the second cue names the act the
                // first did, and has its parties.
                let same_act = sentences[sentence]
                    .events
                    .last()
                    .filter(|e| e.event_type == event_type && self.continues_act(text, e.cue.end, hit.start))
                    .map(|e| (e.sources.clone(), e.targets.clone()));
                let (sources, targets) = if let Some(parties) = same_act {
                    parties
                } else if let Some(agent) = self.agent_noun(text, placed, hit, &cue_word, sentence_start..sentence_end)
                {
                    // "the Russian military hacking group APT28", "hackers
                    // known as Volt Typhoon": the cue names who acts, not
                    // what the sentence's subject does.
                    let targets = agent
                        .as_ref()
                        .map(|agent| self.acted_on_by_agent(text, placed, agent, hit, sentence_start..sentence_end))
                        .unwrap_or_default();
                    (agent.into_iter().collect(), targets)
                } else if is_passive(text, hit.start..hit.end) {
                    let (sources, targets) = self.participants(text, placed, site);
                    self.passive_participants(text, placed, sentence_end, hit.end, targets, sources)
                } else {
                    self.participants(text, placed, site)
                };
                let charged = accusation
                    .as_ref()
                    .filter(|a| a.sentence == sentence && event_type != "accuse")
                    .and_then(|a| a.charged_act(text, hit.start, event_type));
                let (sources, targets) = charged.unwrap_or((sources, targets));
                if event_type == "request" && self.is_appeal(&text[hit.start..hit.end]) {
                    appeal = Some((sentence, hit.start..hit.end));
                }
                if event_type == "accuse" {
                    accusation = Some(Accusation {
                        sentence,
                        end: hit.end,
                        accusers: sources.clone(),
                        accused: targets.clone(),
                    });
                }
                sentences[sentence].events.push(SentenceEvent {
                    event_type,
                    mode,
                    weight: u32::from(*weight),
                    sources,
                    targets,
                    unrealised: unrealised_event,
                    strong: *weight >= STRONG_CUE,
                    // "summoned the ambassador and sanctioned two people":
                    // a second main verb of the sentence.
                    coordinated: previous_word(text, hit.start).eq_ignore_ascii_case("and"),
                    cue: hit.start..hit.end,
                });
            }
        }
    }

    /// Where the subordinate clause that holds a cue begins ("… imposed bans
    /// after Russia annexed Crimea"): the end of the last of
    /// `clause_openers` before the cue with no comma, semicolon or colon
    /// between, or of a second main clause ([`main_clause_start`]). `None`
    /// for a cue right after "and" or "or", where the word may be a
    /// preposition ("appeared before Congress and accused"), and when a
    /// participle or "of" follows the opener.
    fn clause_start(
        &self,
        text: &str,
        placed: &[PlacedEntity],
        sentence_start: usize,
        cue_start: usize,
    ) -> Option<usize> {
        if self.clause_openers.is_empty() {
            return None;
        }
        // Only an opener after the sentence's first party that can act, with
        // another such party after it, can change who acts: most cues are
        // settled here without reading a word.
        let before_cue = &placed
            [placed.partition_point(|p| p.start < sentence_start)..placed.partition_point(|p| p.start < cue_start)];
        let mut acting = before_cue.iter().filter(|p| p.can_act);
        let sentence_subject = acting.next()?;
        acting.next()?;
        let joined = previous_word(text, cue_start);
        if joined.eq_ignore_ascii_case("and") || joined.eq_ignore_ascii_case("or") {
            return None;
        }
        let from = sentence_subject.end.min(cue_start);
        let mut folded = String::new();
        let opener = words(&text[from..cue_start])
            .filter(|&(start, end)| {
                self.clause_openers
                    .contains(fold(&text[from + start..from + end], &mut folded))
            })
            .last()
            .map(|(_, end)| from + end);
        let opener_end = opener.max(main_clause_start(text, before_cue, from, cue_start))?;
        if text[opener_end..cue_start].contains([',', ';', ':']) {
            return None;
        }
        // "before moving on to Laos", "when asked", "because of": no
        // subject of its own follows.
        let next = next_word(text, opener_end);
        let participle = next.len() > 4 && (next.ends_with("ing") || next.ends_with("ed"));
        if participle || next.eq_ignore_ascii_case("of") {
            return None;
        }
        // The clause's subject is its first party, unless that party only
        // completes a noun before it ("while the launch of the Russia
        // probe", "his calls to bomb ISIS"): then the sentence decides.
        let first = before_cue.iter().find(|p| p.start >= opener_end && p.can_act)?;
        let inside_a_phrase = words(&text[opener_end..first.start]).any(|(start, end)| {
            self.subject_breaks
                .contains(fold(&text[opener_end + start..opener_end + end], &mut folded))
        });
        (!inside_a_phrase).then_some(opener_end)
    }

    /// The party an agent noun names, when the cue is one ("hackers",
    /// "attackers") or modifies one ("hacking group", "hacking campaign"):
    /// `Some(None)` when it names no one. The party stands right before it
    /// ("Chinese state-sponsored hackers", "APT28 email hacking campaign")
    /// or right after ("hackers from the Russian military", "hackers known
    /// as Volt Typhoon"). `None` when the cue is no agent noun.
    fn agent_noun(
        &self,
        text: &str,
        placed: &[PlacedEntity],
        hit: &Hit,
        cue_word: &str,
        sentence: Range<usize>,
    ) -> Option<Option<Entity>> {
        let modifier = self.agent_modifiers.contains(cue_word)
            && self.agent_heads.contains(lowercase(next_word(text, hit.end)).as_ref());
        if !modifier && !self.agent_nouns.contains(cue_word) {
            return None;
        }
        // `placed` is in text order: the sentence's entities before and after the cue.
        let cue_at = placed.partition_point(|p| p.start < hit.end);
        let before = placed[placed.partition_point(|p| p.start < sentence.start)..cue_at]
            .iter()
            .rev()
            .filter(|p| p.end <= hit.start)
            .find(|p| words_between(text, p.end, hit.start, 4) <= 3);
        let after = || {
            placed[cue_at..placed.partition_point(|p| p.start < sentence.end)]
                .iter()
                .find(|p| words_between(text, hit.end, p.start, 6) <= 5)
        };
        // A name right after "hacking group" is the group's own, whoever
        // speaks of it before ("Canada say the hacking group APT29 …").
        let named_after = || after().filter(|p| modifier && words_between(text, hit.end, p.start, 3) <= 1);
        Some(named_after().or(before).or_else(after).map(|p| p.entity.clone()))
    }

    /// Whom an agent noun's act is done to: the first other party after the
    /// cue ("hackers linked to Beijing breached networks in Taiwan"), else
    /// the one that speaks of it before ("Ukraine's cyber agency said
    /// hackers from the Russian military …": a state reporting an attack is
    /// most often its victim). A party on the agent's side (its sponsor) is
    /// neither, nor is one in an aside about the agent ("the Qilin
    /// ransomware gang, which is believed to operate from Russia, hit …"),
    /// nor another threat group: groups named beside hackers are their
    /// fellows ("three hacking groups, Linen Typhoon, Violet Typhoon and
    /// Storm-2603, breached …"), not their victims.
    #[inline(never)]
    fn acted_on_by_agent(
        &self,
        text: &str,
        placed: &[PlacedEntity],
        agent: &Entity,
        hit: &Hit,
        sentence: Range<usize>,
    ) -> Vec<Entity> {
        let agent_side = self.side_of(agent);
        let other = |p: &&PlacedEntity| {
            p.entity.kind != EntityKind::Group && self.side_of(&p.entity).is_some_and(|side| Some(side) != agent_side)
        };
        let in_sentence = &placed
            [placed.partition_point(|p| p.start < sentence.start)..placed.partition_point(|p| p.start < sentence.end)];
        let aside = aside_after(text, hit.end, sentence.end).unwrap_or_default();
        in_sentence
            .iter()
            .filter(|p| p.start >= hit.end && !aside.contains(&p.start))
            .find(other)
            .or_else(|| in_sentence.iter().rev().filter(|p| p.end <= hit.start).find(other))
            .map(|p| vec![p.entity.clone()])
            .unwrap_or_default()
    }

    /// Whether an assault cue reads as force: not a cyber attack ("a
    /// ransomware attack", or a plain "attack" in a sentence about hacking,
    /// is coercion, whose own cue is read too), and a cue as often
    /// figurative ("battle", "struck") needs a word of force in its sentence.
    fn said_with_force(&self, text: &str, hit: &Hit, cue_word: &str, sentence: Range<usize>) -> bool {
        if self
            .cyber_words
            .contains(lowercase(previous_word(text, hit.start)).as_ref())
            || self.by_a_natural_force(text, hit, &sentence)
        {
            return false;
        }
        if self.plain_attack_cues.contains(cue_word)
            && text[sentence.clone()]
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|word| self.hacking_words.contains(lowercase(word).as_ref()))
        {
            return false;
        }
        if !self.figurative_assault_cues.contains(cue_word) {
            return true;
        }
        text[sentence]
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| self.force_words.contains(lowercase(word).as_ref()))
    }

    /// Whether one of `natural_forces` stands before the cue in its sentence,
    /// within [`FORCE_WINDOW`] bytes, or within [`NATURAL_FORCE_WORDS`]
    /// words after it: a quake or a wildfire strikes, and no one acts.
    fn by_a_natural_force(&self, text: &str, hit: &Hit, sentence: &Range<usize>) -> bool {
        let is_force = |word: &str| self.natural_forces.contains(lowercase(word).as_ref());
        // Before the cue, as its subject ("the quake, which struck at noon,
        // killed 39"), but not as a figure of speech: "a flood of migrants".
        // The window keeps a sentence of megabytes from being read again
        // for every cue in it.
        let from = text.floor_char_boundary(sentence.start.max(hit.start.saturating_sub(FORCE_WINDOW)));
        let mut words = text[from..hit.start]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .peekable();
        while let Some(word) = words.next() {
            if is_force(word) && words.peek().is_none_or(|next| !next.eq_ignore_ascii_case("of")) {
                return true;
            }
        }
        // After it, up to a mark that ends the clause: "killed in the
        // flooding", not "killed 12; storms later …".
        let mut at = hit.end;
        for _ in 0..NATURAL_FORCE_WORDS {
            let word = next_word(text, at);
            let start = start_of(text, word);
            if word.is_empty() || start >= sentence.end {
                break;
            }
            if is_force(word) {
                return true;
            }
            at = start + word.len();
        }
        false
    }

    /// Whether a cue ending at `from` runs on into a cue starting at `to`
    /// as one act: nothing between them, or one of `same_act_links` and at
    /// most two more words, with no punctuation.
    fn continues_act(&self, text: &str, from: usize, to: usize) -> bool {
        if self.same_act_links.is_empty() || from > to {
            return false;
        }
        let gap = &text[from..to];
        if gap.contains([',', ';', ':', '(', ')', '"', '\u{201c}', '\u{201d}', '.']) {
            return false;
        }
        let mut words = gap.split_whitespace();
        match words.next() {
            None => true,
            Some(link) => self.same_act_links.contains(lowercase(link).as_ref()) && words.count() <= 2,
        }
    }

    /// Where the noun phrase of a cue named as a noun begins: a determiner
    /// up to [`PHRASE_WORDS`] words before it ("the deadly terrorist
    /// attack", "a result of torture"), with none of `agentive_verbs` in the
    /// two words before the determiner ("launched an attack" is the
    /// subject's act).
    fn named_act(&self, text: &str, hit: &Hit, sentence_start: usize) -> Option<usize> {
        // A participle is a verb ("a journalist killed by …"), but after
        // one of `victim_words` it describes the victims, and the act is
        // no one's in the sentence but an agent's after "by".
        if text[hit.start..hit.end].ends_with("ed") {
            let victims = self
                .victim_words
                .contains(lowercase(previous_word(text, hit.start)).as_ref());
            return victims.then_some(hit.start);
        }
        let mut at = hit.start;
        for _ in 0..PHRASE_WORDS {
            let word = previous_word(text, at);
            at = start_of(text, word);
            // A preposition other than "of" ends the phrase: "by attacking
            // Iran" is the subject's act, "a result of torture" no one's.
            let lower = lowercase(word);
            if word.is_empty() || at < sentence_start || (lower != "of" && self.subject_breaks.contains(lower.as_ref()))
            {
                return None;
            }
            if self.determiners.contains(lower.as_ref()) {
                let agentive = |word: &str| self.agentive_verbs.contains(lowercase(word).as_ref());
                let verb = previous_word(text, at);
                let carried =
                    !verb.is_empty() && (agentive(verb) || agentive(previous_word(text, start_of(text, verb))));
                return (!carried).then_some(at);
            }
        }
        None
    }

    /// Whether a cue is part of a name: capitalised in running text (not
    /// at a sentence's start, not in capitals throughout) beside another
    /// capitalised word, or joined to one by a `name_connectors` word
    /// ("Central Bureau of Investigation", "the Trade Representative",
    /// "Investigation Discovery"). A name tells no event. Titles are not
    /// asked: headline style capitalises every word.
    fn in_proper_name(&self, text: &str, hit: &Hit) -> bool {
        let written = &text[hit.start..hit.end];
        if !written.starts_with(|c: char| c.is_ascii_uppercase())
            || !written.bytes().any(|b| b.is_ascii_lowercase())
            || at_sentence_start(text, hit.start)
        {
            return false;
        }
        let capitalised = |word: &str| word.starts_with(|c: char| c.is_uppercase());
        let before = word_before(text, hit.start);
        if capitalised(before) {
            return true;
        }
        if self.name_connectors.contains(before) {
            let start = start_of(text, before);
            if !at_sentence_start(text, start) && capitalised(word_before(text, start)) {
                return true;
            }
        }
        capitalised(word_after(text, hit.end))
    }

    /// Whether a one-word cue stands in front of a `topic_heads` noun as the
    /// word that describes it ("a trade bill", "the funding deadline",
    /// "attack ads"): a bill about trade is no trade. A past or "-s" form
    /// is taken for a verb with its object ("approved legislation",
    /// "supports talks"), as is a base or "-ing" form after one of
    /// `verb_openers` or a capitalised word that is no determiner ("to
    /// support legislation", "Republicans backing talks"; not "A bomb
    /// threat").
    fn describes_a_topic(&self, text: &str, hit: &Hit) -> bool {
        let written = &text[hit.start..hit.end];
        if self.cue_shapes[hit.cue as usize] & ONE_WORD_MODIFIER == 0
            || written.ends_with("ed")
            || (written.ends_with('s') && !written.ends_with("ss"))
        {
            return false;
        }
        let after = word_after(text, hit.end);
        if after.is_empty() || !self.topic_heads.contains(lowercase(after).as_ref()) {
            return false;
        }
        let before = word_before(text, hit.start);
        let subject =
            before.starts_with(|c: char| c.is_uppercase()) && !self.determiners.contains(lowercase(before).as_ref());
        !subject && !self.verb_openers.contains(before)
    }

    /// Whether one of `trade_objects` stands among the four words after a
    /// cue, in its sentence ("banned all imports of …").
    fn restricts_trade(&self, text: &str, hit: &Hit, sentence_end: usize) -> bool {
        next_words(text, hit.end, sentence_end, 4).any(|word| self.trade_objects.contains(lowercase(word).as_ref()))
    }

    /// Whether a release cue tells of something published: one of
    /// `published_things` right before it ("the poll released Monday") or
    /// among the four words after it, in its sentence ("released a new
    /// statement", "released his tax returns").
    fn publishes(&self, text: &str, hit: &Hit, sentence_end: usize) -> bool {
        let is_published = |word: &str| self.published_things.contains(lowercase(word).as_ref());
        is_published(previous_word(text, hit.start)) || next_words(text, hit.end, sentence_end, 4).any(is_published)
    }

    /// Whether an object opens right after a cue: one of `object_openers`
    /// or a capitalised word, past spaces only.
    fn object_follows(&self, text: &str, hit: &Hit) -> bool {
        let next = word_after(text, hit.end);
        next.starts_with(|c: char| c.is_uppercase()) || self.object_openers.contains(lowercase(next).as_ref())
    }

    /// Whether a cue is a describing part of a hyphenated word: its first
    /// part ("back-to-school", "follow-up talks"), or a participle after a
    /// name or a noun ("China-backed hackers", "state-sponsored"). Such a
    /// word describes something; it tells no event. After one of
    /// `compound_prefixes` ("counter-attacked") or a short one ("co-signed",
    /// "re-elected") the cue still is the verb.
    fn in_compound(&self, text: &str, hit: &Hit) -> bool {
        let bytes = text.as_bytes();
        if bytes.get(hit.end) == Some(&b'-') && bytes.get(hit.end + 1).is_some_and(u8::is_ascii_alphabetic) {
            return true;
        }
        if hit.start == 0 || bytes[hit.start - 1] != b'-' || !text[..hit.end].ends_with("ed") {
            return false;
        }
        let before = previous_word(text, hit.start - 1);
        before.len() >= 4
            && before.bytes().all(|b| b.is_ascii_alphabetic())
            && !self.compound_prefixes.contains(before.to_ascii_lowercase().as_str())
    }

    /// Whether the words between a verb and a function-word object keep it
    /// in the verb's clause: none ends with a comma, colon or quote mark,
    /// and none asks a question ("asked about ... to", "asked whether").
    fn in_clause(&self, rest: &str, gap: &[(Range<usize>, &str)]) -> bool {
        let mut folded = String::new();
        gap.iter().all(|(range, word)| {
            let ends_clause = rest[range.clone()].ends_with([',', ';', ':', '"', '\u{201c}', '\u{201d}', '?']);
            !ends_clause && !self.question_words.contains(fold(word, &mut folded))
        })
    }

    /// The `VERB ... OBJECT` cues of a text whose object follows the verb
    /// within [`OBJECT_GAP`] words, in its sentence.
    fn match_objects(&self, passage: &Passage) -> ObjectMatches {
        let text = passage.text;
        let mut objects = ObjectMatches {
            spans: Vec::new(),
            heads: HashSet::default(),
            cues: HashSet::default(),
        };
        let mut window = Vec::with_capacity(OBJECT_GAP + 4);
        let mut folded = String::new();
        for (h, hit) in passage.hits.iter().enumerate() {
            if self.cue_kinds[hit.cue as usize] & OBJECT_EVENT == 0 {
                continue;
            }
            let (cues, firsts) = (&self.cues[hit.cue as usize], &self.object_firsts[hit.cue as usize]);
            // The words after the head, read once for all its objects; an
            // object starts within `OBJECT_GAP` words, and each cue takes
            // the first place its object fits.
            following_words(
                &text[hit.end..passage.sentence_end_of(hit.start)],
                OBJECT_GAP + 4,
                &mut window,
            );
            for at in 0..window.len().min(OBJECT_GAP + 1) {
                let Some(candidates) = firsts.get(fold(window[at].1, &mut folded)) else {
                    continue;
                };
                for &c in candidates {
                    let c = usize::from(c);
                    let Cue::Event {
                        object: Some(object), ..
                    } = &cues[c]
                    else {
                        continue;
                    };
                    if objects.cues.contains(&(h, c)) {
                        continue;
                    }
                    if self.clause_objects.contains(&object[0]) && !self.in_clause(&text[hit.end..], &window[..at]) {
                        continue;
                    }
                    if let Some(span) = object_at(&window, at, object) {
                        objects.spans.push(hit.end + span.start..hit.end + span.end);
                        objects.heads.insert(hit.start);
                        objects.cues.insert((h, c));
                    }
                }
            }
        }
        objects
    }
}

/// The guard that governs a cue at `cue_start`, among the `guards` (by
/// where they end, in text order) of its sentence before it. Walking back
/// from the cue: once a guard is five words away, all earlier ones are too;
/// a negation reaches three words. The earliest guard in reach decides, and
/// a reporting word decides nothing.
/// An accusation, and whom it names: the act it charges ("accused China of
/// launching cyberattacks", "blamed Russia for the attack") is done by the
/// accused, not by the accuser who is the subject of the sentence.
struct Accusation {
    sentence: usize,
    /// Where the accusation's cue ends.
    end: usize,
    accusers: Vec<Entity>,
    accused: Vec<Entity>,
}

/// The most words between the accusation's cue and the act it charges.
const CHARGE_WORDS: usize = 12;

/// The first `count` words after byte `from`, up to `end`.
fn next_words(text: &str, from: usize, end: usize, count: usize) -> impl Iterator<Item = &str> {
    text[from..end.max(from)]
        .split(|c: char| !is_alphanumeric(c))
        .filter(|word| !word.is_empty())
        .take(count)
}

/// How many words a determiner may stand before the noun it opens: "the
/// latest deadly attack".
const PHRASE_WORDS: usize = 3;

/// How many words after an assault cue are read for a force of nature:
/// "killed in the flooding".
const NATURAL_FORCE_WORDS: usize = 3;

/// How many bytes before an assault cue are read for a force of nature.
const FORCE_WINDOW: usize = 1_000;

impl Accusation {
    /// The parties of an act cued at `act` when the accusation charges it:
    /// the accused act; on whom the act says, else (for a hostile act) on the
    /// accuser, who is most often its victim.
    fn charged_act(&self, text: &str, act: usize, event_type: &str) -> Option<(Vec<Entity>, Vec<Entity>)> {
        if self.accused.is_empty() || act <= self.end || !within_words(text, self.end, act, CHARGE_WORDS) {
            return None;
        }
        let between = lowercase(&text[self.end..act]);
        let charges = between
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "of" || w == "for");
        if !charges {
            return None;
        }
        let targets = if matches!(event_type, "coerce" | "assault" | "threaten") {
            self.accusers.clone()
        } else {
            Vec::new()
        };
        Some((self.accused.clone(), targets))
    }
}

/// Where a second main clause begins between `from` and the cue: after
/// ", and", ", but" or a semicolon ("… expires in July, and Lavrov accused
/// the West"), unless the comma ends a list of parties ("Britain, France,
/// and Germany accused").
fn main_clause_start(text: &str, before_cue: &[PlacedEntity], from: usize, cue_start: usize) -> Option<usize> {
    let span = &text[from..cue_start];
    [", and ", ", but ", "; "]
        .iter()
        .filter_map(|joint| span.rfind(joint).map(|at| (from + at, from + at + joint.len())))
        .filter(|(comma, _)| !before_cue.iter().any(|p| p.end == *comma))
        .map(|(_, end)| end)
        .max()
}

/// The most words between an appeal's cue and an act it asks for.
const ASKED_WORDS: usize = 10;

/// Whether a cue at `act` is what an appeal asks for: after its "to"
/// ("urged Washington not to suspend its aid", "called on Russia to
/// withdraw"), within [`ASKED_WORDS`] words of the appeal and in the same
/// clause.
fn asked_for(text: &str, appeal: Range<usize>, act: usize) -> bool {
    // The "to" may close the appeal's cue ("urged to") or open the act's
    // ("to withdraw").
    close_after(text, appeal.end, act, ASKED_WORDS)
        && (text[appeal.start..act].split_whitespace().any(|w| w == "to") || text[act..].starts_with("to "))
}

/// The most words between a release's cue and those it releases
/// ("released 20 living hostages").
const RELEASED_WORDS: usize = 4;

/// Whether `at` follows a cue ending at `cue_end` within `words` words, in
/// the same clause (no comma, colon, semicolon or full stop between).
fn close_after(text: &str, cue_end: usize, at: usize, words: usize) -> bool {
    at >= cue_end && within_words(text, cue_end, at, words) && !text[cue_end..at].contains([',', ';', ':', '.'])
}

fn governing_guard(
    text: &str,
    guards: &[(usize, GuardKind)],
    sentence_start: usize,
    cue_start: usize,
) -> Option<GuardKind> {
    // Guards end in text order: only those in this sentence, before the cue.
    let first_guard = guards.partition_point(|(end, _)| *end < sentence_start);
    let last_guard = guards.partition_point(|(end, _)| *end <= cue_start);
    guards[first_guard..last_guard.max(first_guard)]
        .iter()
        .rev()
        .map(|(end, kind)| (words_between(text, *end, cue_start, 5), *kind))
        .take_while(|(words, _)| *words < 5)
        .filter(|(words, kind)| *kind != GuardKind::Negation || *words < 3)
        .map(|(_, kind)| kind)
        .filter(|kind| *kind != GuardKind::Reporting)
        .last()
}

/// What an event that is only intended, promised or threatened is coded
/// as: PLOVER codes the intent to cooperate, yield or help as AGREE, and the
/// intent to punish or use force as THREATEN (with the matching mode).
fn unrealised(event_type: &'static str, mode: Option<String>, threatened: bool) -> (&'static str, Option<String>) {
    let threat_mode = match (event_type, mode.as_deref()) {
        ("sanction", Some("expel")) => Some("expel"),
        ("sanction", _) | ("coerce", Some("restrict" | "seize" | "withhold")) => Some("restrict"),
        ("coerce", Some("arrest" | "deport")) => Some("arrest"),
        ("coerce", _) => None,
        ("assault" | "mobilize", _) => Some("violence"),
        // A strike or boycott held over someone is a threat against them.
        ("protest", _) => None,
        ("threaten", _) => return (event_type, mode),
        _ if threatened => None,
        ("consult" | "support" | "cooperate" | "aid" | "retreat" | "concede" | "agree", _) => return ("agree", None),
        _ => return (event_type, mode),
    };
    ("threaten", threat_mode.map(str::to_string))
}

/// Cue weight of the near-certain hand-curated cues; weak curated words and
/// the generated verb + object patterns weigh 1 or 2.
const STRONG_CUE: u8 = 3;

/// How many words may stand between the two parts of a `VERB ... OBJECT` cue.
const OBJECT_GAP: usize = 6;

/// Up to `limit` words at the start of `rest` into `words`: byte range and
/// the word without the punctuation around it. Every cue with an object
/// passes here, so whitespace is found byte by byte and nothing is
/// allocated; [`same_word`] compares the words with the objects.
fn following_words<'a>(rest: &'a str, limit: usize, words: &mut Vec<(Range<usize>, &'a str)>) {
    words.clear();
    let bytes = rest.as_bytes();
    let mut start = None;
    let mut at = 0;
    while at < bytes.len() {
        let (is_space, width) = match bytes[at] {
            byte if is_ascii_space(byte) => (true, 1),
            byte if byte.is_ascii() => (false, 1),
            _ => {
                let c = rest[at..].chars().next().expect("`at` is a character boundary");
                (c.is_whitespace(), c.len_utf8())
            }
        };
        if is_space {
            if let Some(s) = start.take() {
                words.push((s..at, trim_word(&rest[s..at])));
                if words.len() == limit {
                    return;
                }
            }
        } else if start.is_none() {
            start = Some(at);
        }
        at += width;
    }
    if let Some(s) = start {
        words.push((s..rest.len(), trim_word(&rest[s..])));
    }
}

fn trim_word(word: &str) -> &str {
    word.trim_matches(|c: char| !is_alphanumeric(c) && c != '-')
}

/// Whether a word of the text, lowercased, is `lowercase_word` (a
/// dictionary word, lowercased when the extractor was built).
fn same_word(word: &str, lowercase_word: &str) -> bool {
    if word.is_ascii() {
        word.eq_ignore_ascii_case(lowercase_word)
    } else {
        lowercase(word) == lowercase_word
    }
}

/// Where the object words of a `VERB ... OBJECT` cue sit among the words
/// after the verb when they start at word `at`.
fn object_at(words: &[(Range<usize>, &str)], at: usize, object: &[String]) -> Option<Range<usize>> {
    let placed = words.get(at..at + object.len())?;
    placed
        .iter()
        .zip(object)
        .all(|((_, a), b)| same_word(a, b))
        .then(|| placed[0].0.start..placed[placed.len() - 1].0.end)
}

/// A word of the text lowercased as [`same_word`] compares it, copied to
/// `buffer` only when it has capitals.
fn fold<'w>(word: &'w str, buffer: &'w mut String) -> &'w str {
    buffer.clear();
    if !word.is_ascii() {
        buffer.push_str(&lowercase(word));
    } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
        buffer.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        return word;
    }
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_words_are_read_whatever_their_case_punctuation_and_spaces() {
        let rest = " on a \u{201c}Peace Deal,\u{201d} said\u{a0}the Ünion";
        let mut words = Vec::new();
        following_words(rest, 10, &mut words);
        let read: Vec<&str> = words.iter().map(|(_, word)| *word).collect();
        assert_eq!(read, ["on", "a", "Peace", "Deal", "said", "the", "Ünion"]);
        let object = ["peace".to_string(), "deal".to_string()];
        let span = object_at(&words, 2, &object).expect("the object follows");
        assert_eq!(&rest[span], "\u{201c}Peace Deal,\u{201d}");
        assert!(object_at(&words, 6, &["ünion".to_string()]).is_some());
        assert!((0..words.len()).all(|at| object_at(&words, at, &["deal".to_string(), "peace".to_string()]).is_none()));
        let mut buffer = String::new();
        assert_eq!(fold("Peace", &mut buffer), "peace");
        assert_eq!(fold("Ünion", &mut buffer), "ünion");
        assert_eq!(fold("deal", &mut buffer), "deal");
        following_words(rest, 2, &mut words);
        assert_eq!(words.len(), 2);
    }
}
