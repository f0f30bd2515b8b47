//! Training the tagger: a structured averaged perceptron over IOB2 tags, in two stages.
//!
//! The first stage sees the words of the sentence and the document; the second also sees the
//! first stage's tags and how the same word was tagged elsewhere in the document. The second
//! stage is trained on first-stage tags predicted by models that did not see the document
//! (k-fold jackknifing), and the gazetteer features of a training document come from the
//! names of the other folds only, so that both look on training data as they will on new text.
//!
//! Deterministic: a fixed seed orders the sentences, and nothing depends on hash map order.

use super::features::FirstPass;
use super::gazetteer::Gazetteer;
use super::model::{self, Model, SentenceFeatures, Stage, Weights, viterbi};
use super::tags::{NTAGS, Tag, bilou, chunks};

/// One labelled document: sentences of tokens and their gold tags.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub sentences: Vec<Vec<String>>,
    pub tags: Vec<Vec<Tag>>,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Passes over the training data per stage.
    pub epochs: usize,
    /// Feature buckets are `2^bits`.
    pub bits: u32,
    /// Folds for jackknifing gazetteer and first-stage tags.
    pub folds: usize,
    pub seed: u64,
    /// Train the document-level second stage.
    pub second_stage: bool,
    /// Use gazetteers built from the training labels.
    pub gazetteer: bool,
    /// The final stages are the average of this many perceptrons trained on differently
    /// shuffled data (the jackknife folds use one).
    pub ensemble: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 20,
            bits: 20,
            folds: 10,
            seed: 7,
            second_stage: true,
            gazetteer: true,
            ensemble: 1,
        }
    }
}

/// Trains a model on `docs`. `classes` are word classes from unlabeled text (may be empty);
/// `extra_names` are hand-written gazetteer entries `(tokens, type bits)`; `progress` receives
/// one line per step.
pub fn train(
    docs: &[Document],
    classes: Vec<(String, u16)>,
    extra_names: &[(Vec<String>, u8)],
    config: &TrainConfig,
    progress: &mut dyn FnMut(String),
) -> Model {
    // The tagger learns BILOU tags, whatever the documents use.
    let docs: Vec<Document> = docs
        .iter()
        .map(|d| Document {
            sentences: d.sentences.clone(),
            tags: d.tags.iter().map(|t| bilou(t)).collect(),
        })
        .collect();
    let docs = &docs[..];
    let folds = config.folds.max(2);
    let fold_of = |d: usize| d % folds;
    let class_map = model::class_map(&classes);
    let build_gazetteer = |skip: Option<usize>| {
        let mut g = Gazetteer::default();
        if !config.gazetteer {
            return g;
        }
        for (tokens, kinds) in extra_names {
            let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
            g.add(&t, *kinds);
        }
        for (d, doc) in docs.iter().enumerate() {
            if Some(fold_of(d)) == skip {
                continue;
            }
            for (sent, tags) in doc.sentences.iter().zip(&doc.tags) {
                for (span, kind) in chunks(tags) {
                    let t: Vec<&str> = sent[span].iter().map(String::as_str).collect();
                    g.add(&t, 1 << kind as u8);
                }
            }
        }
        g
    };
    let fold_gazetteers: Vec<Gazetteer> = (0..folds).map(|k| build_gazetteer(Some(k))).collect();
    let views: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(d, doc)| {
            let sents: Vec<Vec<&str>> = doc
                .sentences
                .iter()
                .map(|s| s.iter().map(String::as_str).collect())
                .collect();
            super::features::DocView::new(
                &sents,
                Some(&class_map),
                Some(&fold_gazetteers[fold_of(d)]),
            )
        })
        .collect();
    let local: Vec<Vec<SentenceFeatures>> = views
        .iter()
        .map(|v| {
            (0..v.sentences.len())
                .map(|s| model::local(v, s, config.bits))
                .collect()
        })
        .collect();
    let all: Vec<usize> = (0..docs.len()).collect();
    progress(format!(
        "{} documents, {} sentences, {} tokens; features ready",
        docs.len(),
        docs.iter().map(|d| d.sentences.len()).sum::<usize>(),
        docs.iter()
            .flat_map(|d| &d.sentences)
            .map(Vec::len)
            .sum::<usize>()
    ));

    let first = train_ensemble(docs, &local, &all, config, progress, "stage 1");
    let second = config.second_stage.then(|| {
        let mut predicted: Vec<Vec<Vec<Tag>>> = vec![Vec::new(); docs.len()];
        for k in 0..folds {
            let train_docs: Vec<usize> = all.iter().copied().filter(|&d| fold_of(d) != k).collect();
            let stage = train_stage(
                docs,
                &local,
                &train_docs,
                config,
                progress,
                &format!("fold {k}"),
            );
            for d in all.iter().copied().filter(|&d| fold_of(d) == k) {
                predicted[d] = local[d].iter().map(|f| stage.decode(f)).collect();
            }
        }
        let global: Vec<Vec<SentenceFeatures>> = views
            .iter()
            .zip(predicted)
            .map(|(v, tags)| {
                let pass = FirstPass::new(v, tags);
                (0..v.sentences.len())
                    .map(|s| model::global(v, &pass, s, config.bits))
                    .collect()
            })
            .collect();
        train_ensemble(docs, &global, &all, config, progress, "stage 2")
    });
    Model::new(first, second, build_gazetteer(None), classes)
}

/// The mean of `config.ensemble` stages trained with different seeds.
fn train_ensemble(
    docs: &[Document],
    feats: &[Vec<SentenceFeatures>],
    which: &[usize],
    config: &TrainConfig,
    progress: &mut dyn FnMut(String),
    name: &str,
) -> Stage {
    let n = config.ensemble.max(1);
    let mut mean = train_stage(docs, feats, which, config, progress, name);
    for k in 1..n {
        let c = TrainConfig {
            seed: config.seed.wrapping_add(k as u64 * 1_000_003),
            ..config.clone()
        };
        let other = train_stage(
            docs,
            feats,
            which,
            &c,
            progress,
            &format!("{name} ({})", k + 1),
        );
        if let (Weights::Float(m), Weights::Float(o)) = (&mut mean.weights, &other.weights) {
            for (x, y) in m.iter_mut().zip(o) {
                *x += y;
            }
        }
        for (x, y) in mean
            .trans
            .iter_mut()
            .flatten()
            .zip(other.trans.iter().flatten())
        {
            *x += y;
        }
        for (x, y) in mean.start.iter_mut().zip(&other.start) {
            *x += y;
        }
    }
    // Scale does not change the decisions; dividing keeps weights comparable across settings.
    let scale = 1.0 / n as f32;
    if let Weights::Float(m) = &mut mean.weights {
        m.iter_mut().for_each(|x| *x *= scale);
    }
    mean.trans.iter_mut().flatten().for_each(|x| *x *= scale);
    mean.start.iter_mut().for_each(|x| *x *= scale);
    mean
}

/// Averaged structured perceptron over the documents `which`.
fn train_stage(
    docs: &[Document],
    feats: &[Vec<SentenceFeatures>],
    which: &[usize],
    config: &TrainConfig,
    progress: &mut dyn FnMut(String),
    name: &str,
) -> Stage {
    let size = (1usize << config.bits) * NTAGS;
    let mut w = vec![0f32; size];
    // Sum of (update step x update): the averaged weights are w - u / c.
    let mut u = vec![0f32; size];
    let mut tw = [[0f32; NTAGS]; NTAGS];
    let mut tu = [[0f32; NTAGS]; NTAGS];
    let mut sw = [0f32; NTAGS];
    let mut su = [0f32; NTAGS];
    let mut order: Vec<(usize, usize)> = which
        .iter()
        .flat_map(|&d| (0..docs[d].sentences.len()).map(move |s| (d, s)))
        .filter(|&(d, s)| !docs[d].sentences[s].is_empty())
        .collect();
    let mut rng = config.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut c = 1f32;
    for epoch in 0..config.epochs {
        // Fisher-Yates with xorshift: the same order on every run.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut errors = 0usize;
        for &(d, s) in &order {
            let f = &feats[d][s];
            let gold = &docs[d].tags[s];
            let pred = viterbi(&emissions(&w, f), &tw, &sw);
            if pred != *gold {
                errors += 1;
                for (i, (&g, &p)) in gold.iter().zip(&pred).enumerate() {
                    if g != p {
                        for &b in f.token(i) {
                            let base = b as usize * NTAGS;
                            w[base + g.0 as usize] += 1.0;
                            u[base + g.0 as usize] += c;
                            w[base + p.0 as usize] -= 1.0;
                            u[base + p.0 as usize] -= c;
                        }
                    }
                    let (gp, pp) = if i == 0 {
                        (None, None)
                    } else {
                        (Some(gold[i - 1]), Some(pred[i - 1]))
                    };
                    if (gp, g) != (pp, p) {
                        match gp {
                            None => {
                                sw[g.0 as usize] += 1.0;
                                su[g.0 as usize] += c;
                            }
                            Some(q) => {
                                tw[q.0 as usize][g.0 as usize] += 1.0;
                                tu[q.0 as usize][g.0 as usize] += c;
                            }
                        }
                        match pp {
                            None => {
                                sw[p.0 as usize] -= 1.0;
                                su[p.0 as usize] -= c;
                            }
                            Some(q) => {
                                tw[q.0 as usize][p.0 as usize] -= 1.0;
                                tu[q.0 as usize][p.0 as usize] -= c;
                            }
                        }
                    }
                }
            }
            c += 1.0;
        }
        progress(format!(
            "{name}: epoch {} of {}, {errors} of {} sentences wrong",
            epoch + 1,
            config.epochs,
            order.len()
        ));
    }
    for (x, a) in w.iter_mut().zip(&u) {
        *x -= a / c;
    }
    for (x, a) in tw.iter_mut().flatten().zip(tu.iter().flatten()) {
        *x -= a / c;
    }
    for (x, a) in sw.iter_mut().zip(&su) {
        *x -= a / c;
    }
    Stage {
        bits: config.bits,
        weights: Weights::Float(w),
        trans: tw,
        start: sw,
    }
}

fn emissions(w: &[f32], f: &SentenceFeatures) -> Vec<[f32; NTAGS]> {
    (0..f.len())
        .map(|i| {
            let mut acc = [0f32; NTAGS];
            for &b in f.token(i) {
                let row = &w[b as usize * NTAGS..][..NTAGS];
                for (a, r) in acc.iter_mut().zip(row) {
                    *a += r;
                }
            }
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &[(&str, &str)]) -> Document {
        Document {
            sentences: vec![text.iter().map(|(w, _)| (*w).to_owned()).collect()],
            tags: vec![
                text.iter()
                    .map(|(_, t)| Tag::parse(t).unwrap_or_default())
                    .collect(),
            ],
        }
    }

    #[test]
    fn learns_a_tiny_corpus_deterministically() {
        let docs = vec![
            doc(&[
                ("Anna", "B-PER"),
                ("Berg", "I-PER"),
                ("visited", "O"),
                ("Lund", "B-LOC"),
                (".", "O"),
            ]),
            doc(&[
                ("Lund", "B-LOC"),
                ("welcomed", "O"),
                ("Anna", "B-PER"),
                ("Berg", "I-PER"),
                (".", "O"),
            ]),
        ];
        let config = TrainConfig {
            epochs: 5,
            bits: 12,
            folds: 2,
            ..TrainConfig::default()
        };
        let model = train(&docs, Vec::new(), &[], &config, &mut |_| {});
        let again = train(&docs, Vec::new(), &[], &config, &mut |_| {});
        assert_eq!(model.to_bytes(), again.to_bytes());
        let loaded = Model::from_bytes(&model.to_bytes()).expect("model loads");
        // Saving a loaded model gives the same bytes, and the one-pass tagging of a loaded
        // model gives the same tags as the two-pass tagging of the quantised model.
        assert_eq!(loaded.to_bytes(), model.to_bytes());
        let text = [
            vec!["Lund", "welcomed", "Berg", "."],
            vec!["Anna", "visited", "Berg"],
        ];
        assert_eq!(
            loaded.tag_document(&text),
            model.quantised().tag_document(&text)
        );
        let tags = loaded.tag_document(&[vec!["Anna", "Berg", "visited", "Lund", "."]]);
        let shown: Vec<String> = tags[0].iter().map(Tag::to_string).collect();
        assert_eq!(shown, ["B-PER", "I-PER", "O", "B-LOC", "O"]);
    }
}
