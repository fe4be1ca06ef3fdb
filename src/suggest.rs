//! "Did you mean ...?" for misspelled names.

/// The candidate closest to `input`, if any is close enough to be a plausible typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&input, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let ids = ["hello-http", "crud-app"];
        assert_eq!(closest("crud-ap", ids), Some("crud-app"));
        assert_eq!(closest("helo-http", ids), Some("hello-http"));
        assert_eq!(closest("kubernetes", ids), None);
    }
}
