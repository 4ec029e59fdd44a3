//! Fitting a table to a screen or log width: which columns are cut, by how much, and which are
//! left out when even cut they would not fit.
//!
//! A table wider than its terminal or CI log wraps into an unreadable block, so the text report
//! gives way column by column instead: the widest cuttable column first, never below its
//! minimum, and only then the least useful column is left out. Pure: widths in, widths out.

use super::matrix::Fit;

/// Characters of indent before a table row, and between two columns.
const INDENT: usize = 2;
const GAP: usize = 2;

/// The width of each column within `width` characters, `None` for a column left out. Columns
/// keep their natural width when the table fits; else [`Fit::Shrink`] columns give up
/// characters, the widest first and none below its minimum (nor below its heading), and when
/// that is not enough the column with the lowest `drop` goes, then the next. [`Fit::Keep`]
/// columns are never cut: a table of only those may stay wider than `width`.
pub(crate) fn fit(
    natural: &[usize],
    headers: &[String],
    fits: &[Fit],
    width: usize,
) -> Vec<Option<usize>> {
    let floor = |i: usize| -> usize {
        let heading = headers.get(i).map_or(0, |h| h.chars().count());
        match fits.get(i) {
            Some(Fit::Shrink { min, .. }) => (*min).max(heading),
            _ => natural.get(i).copied().unwrap_or(0),
        }
    };
    let mut drop_order: Vec<(u8, usize)> = fits
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f {
            Fit::Shrink { drop, .. } => Some((*drop, i)),
            Fit::Keep => None,
        })
        .collect();
    drop_order.sort();
    let mut left_out: Vec<usize> = Vec::new();
    loop {
        let mut widths: Vec<Option<usize>> = natural
            .iter()
            .enumerate()
            .map(|(i, w)| (!left_out.contains(&i)).then_some(*w))
            .collect();
        let total = |widths: &[Option<usize>]| -> usize {
            let shown: Vec<usize> = widths.iter().flatten().copied().collect();
            INDENT + shown.iter().sum::<usize>() + GAP * shown.len().saturating_sub(1)
        };
        let mut excess = total(&widths).saturating_sub(width);
        while excess > 0 {
            // The widest column that can still give a character.
            let widest = widths
                .iter()
                .enumerate()
                .filter_map(|(i, w)| w.map(|w| (i, w)))
                .filter(|&(i, w)| matches!(fits.get(i), Some(Fit::Shrink { .. })) && w > floor(i))
                .max_by_key(|&(i, w)| (w, std::cmp::Reverse(i)));
            let Some((i, _)) = widest else { break };
            if let Some(Some(w)) = widths.get_mut(i) {
                *w -= 1;
                excess -= 1;
            }
        }
        if excess == 0 {
            return widths;
        }
        match drop_order.iter().find(|(_, i)| !left_out.contains(i)) {
            Some(&(_, i)) => left_out.push(i),
            None => return widths,
        }
    }
}

/// `text` cut to `width` characters, the cut marked with `…`.
pub(crate) fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_table_that_fits_is_left_alone() {
        let h = headers(&["Env", "Sources"]);
        let fits = [Fit::Keep, Fit::Shrink { min: 5, drop: 1 }];
        assert_eq!(fit(&[3, 20], &h, &fits, 80), [Some(3), Some(20)]);
    }

    #[test]
    fn the_widest_cuttable_column_gives_way_first_and_none_below_its_minimum() {
        let h = headers(&["Env", "Secret", "Sources"]);
        let fits = [
            Fit::Keep,
            Fit::Shrink { min: 10, drop: 2 },
            Fit::Shrink { min: 12, drop: 1 },
        ];
        // 2 + 11 + 2 + 30 + 2 + 60 = 107: 27 too many for 80, all taken from Sources.
        assert_eq!(
            fit(&[11, 30, 60], &h, &fits, 80),
            [Some(11), Some(30), Some(33)]
        );
        // For 60: both end near each other.
        assert_eq!(
            fit(&[11, 30, 60], &h, &fits, 60),
            [Some(11), Some(21), Some(22)]
        );
    }

    #[test]
    fn a_column_that_cannot_fit_is_left_out_lowest_drop_first() {
        let h = headers(&["Environment", "Status", "Secret", "Sources"]);
        let fits = [
            Fit::Keep,
            Fit::Keep,
            Fit::Shrink { min: 10, drop: 2 },
            Fit::Shrink { min: 12, drop: 1 },
        ];
        // Keep columns take 2 + 11 + 2 + 26 + 2 = 43; 40 left cannot hold 10 + 2 + 12 at 60.
        let w = fit(&[11, 26, 19, 40], &h, &fits, 60);
        assert_eq!(w, [Some(11), Some(26), Some(17), None]);
        // Nothing cuttable left: the kept columns overflow rather than lose a name.
        let w = fit(&[11, 26, 19, 40], &h, &fits, 30);
        assert_eq!(w, [Some(11), Some(26), None, None]);
    }

    #[test]
    fn headings_are_never_cut() {
        let h = headers(&["Environment", "Client id"]);
        let fits = [Fit::Keep, Fit::Shrink { min: 5, drop: 1 }];
        assert_eq!(fit(&[11, 13], &h, &fits, 24), [Some(11), Some(9)]);
    }

    #[test]
    fn cuts_are_marked_and_counted_in_characters() {
        assert_eq!(
            cut("key-vault:kv-prod/AzureAd--ClientSecret", 12),
            "key-vault:k…"
        );
        assert_eq!(cut("1e…5e ≠ bf…8a", 13), "1e…5e ≠ bf…8a");
        assert_eq!(cut("abc", 3), "abc");
    }
}
