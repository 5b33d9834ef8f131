//! Text on a chart: the one font's styles, text placed at a pixel, a chart's heading (title
//! and subtitle shrunk and wrapped to the picture's width), and sizes that fit a width.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{Area, Backend, PAGE_TEXT, PAGE_WIDTH};
use super::{FONT, colour};

pub(super) fn text<'a>(size: u32) -> TextStyle<'a> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK)
}

/// The width of `s` in `style`, in pixels (0 if the font cannot measure it).
pub(super) fn width(style: &TextStyle, s: &str) -> u32 {
    style.font.box_size(s).map_or(0, |b| b.0)
}

pub(super) fn bold<'a>(size: u32) -> TextStyle<'a> {
    TextStyle::from((FONT, size, FontStyle::Bold).into_font()).color(&BLACK)
}

pub(super) fn anchored(style: TextStyle, h: HPos, v: VPos) -> TextStyle {
    style.pos(Pos::new(h, v))
}

/// Text at an absolute pixel position (as [`ChartContext::backend_coord`] gives it), drawn on
/// `area` and so not clipped by a chart's plotting area.
pub(super) fn text_at<DB: Backend>(
    area: &Area<DB>,
    (x, y): (i32, i32),
    s: &str,
    style: TextStyle,
) -> anyhow::Result<()> {
    let b = area.get_base_pixel();
    area.draw(&Text::new(s.to_string(), (x - b.0, y - b.1), style))?;
    Ok(())
}

/// A chart's title and subtitle laid out for a picture `w` wide: the title shrunk (and on a
/// narrow picture wrapped), the subtitle wrapped, and the height they take.
pub(super) struct Heading {
    size: u32,
    titles: Vec<String>,
    lines: Vec<String>,
    pub(super) height: u32,
}

impl Heading {
    pub(super) fn new(w: u32, title: &str, subtitle: &str) -> Heading {
        let room = w.saturating_sub(if w > PAGE_WIDTH { 48 } else { 16 });
        let mut size = 28;
        while size > 16 && width(&bold(size), title) > room {
            size -= 2;
        }
        let titles = wrap(title, room, |s| width(&bold(size), s));
        let lines = wrap(subtitle, room, |s| width(&text(18), s));
        let below = (size + 6) * (titles.len().max(1) as u32 - 1);
        let height = match lines.len() {
            0 => 56 + below,
            n => below + 62 + 24 * n as u32,
        };
        Heading {
            size,
            titles,
            lines,
            height,
        }
    }
}

/// Title and subtitle across the top (see [`Heading`]); returns the area below them.
pub(super) fn heading<DB: Backend>(
    area: &Area<DB>,
    title: &str,
    subtitle: &str,
) -> anyhow::Result<Area<DB>> {
    let (w, _) = area.dim_in_pixel();
    let cx = (w / 2) as i32;
    let h = Heading::new(w, title, subtitle);
    let step = h.size as i32 + 6;
    for (i, l) in h.titles.iter().enumerate() {
        area.draw(&Text::new(
            l.clone(),
            (cx, 14 + step * i as i32),
            anchored(bold(h.size), HPos::Center, VPos::Top),
        ))?;
    }
    let below = step * h.titles.len().saturating_sub(1) as i32;
    let sub = text(18).color(&colour::GREY);
    for (i, l) in h.lines.iter().enumerate() {
        area.draw(&Text::new(
            l.clone(),
            (cx, below + 54 + 24 * i as i32),
            anchored(sub.clone(), HPos::Center, VPos::Top),
        ))?;
    }
    Ok(area.split_vertically(h.height).1)
}

/// Words of `s` in as few lines no wider than `room` (by `width`) as greedy filling gives, but
/// of even lengths, so that no word is left alone on the last line.
pub(super) fn wrap(s: &str, room: u32, width: impl Fn(&str) -> u32) -> Vec<String> {
    let lines = greedy_wrap(s, room, &width);
    let n = lines.len();
    if n < 2 {
        return lines;
    }
    // The narrowest room that still needs no more lines.
    let (mut lo, mut hi) = (1, room);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if greedy_wrap(s, mid, &width).len() <= n {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    greedy_wrap(s, hi, &width)
}

/// Words of `s` in lines no wider than `room` by `width`, each line as full as it can be (a
/// longer word gets a line of its own). Words are split at plain spaces only, so a no-break
/// space (U+00A0) keeps a phrase together.
fn greedy_wrap(s: &str, room: u32, width: &impl Fn(&str) -> u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        match lines.last_mut() {
            Some(l) if width(&format!("{l} {word}")) <= room => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The largest size from `size` down to [`PAGE_TEXT`] at which `s` in `style` fits `room`
/// pixels (the smallest if none does).
pub(super) fn fitting(size: u32, s: &str, room: u32, style: fn(u32) -> TextStyle<'static>) -> u32 {
    (PAGE_TEXT..=size)
        .rev()
        .find(|&k| width(&style(k), s) <= room)
        .unwrap_or(PAGE_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_fills_lines() {
        let by_chars = |s: &str| s.chars().count() as u32;
        assert_eq!(wrap("aa bb cc dd", 5, by_chars), ["aa bb", "cc dd"]);
        assert_eq!(wrap("aa bb cc dd", 20, by_chars), ["aa bb cc dd"]);
        // Greedy would leave "dd" alone: balanced lines instead.
        assert_eq!(wrap("aa bb cc dd", 8, by_chars), ["aa bb", "cc dd"]);
        assert_eq!(wrap("aaaaaaa b", 5, by_chars), ["aaaaaaa", "b"]);
        assert!(wrap("  ", 5, by_chars).is_empty());
        assert_eq!(wrap("a\u{a0}b c", 3, by_chars), ["a\u{a0}b", "c"]);
    }
}
