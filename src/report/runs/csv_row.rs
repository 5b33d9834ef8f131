//! One CSV record from a flat row struct, appended to a byte buffer: what runs.csv is made of,
//! a million times per million-net sweep. The `csv` crate's serializer costs several times the
//! formatting of the numbers themselves there (a writer state machine per field, a buffer, an
//! allocation per `Display` field); this writes each field's bytes straight into the chunk's
//! buffer, with the `csv` crate's spelling (its `QuoteStyle::Necessary`, `\n` after a record,
//! empty fields for `None`), so that runs.csv is the same bytes. Scalars, strings, options and
//! unit enum variants only: anything else is refused, so a new kind of column cannot silently
//! be spelled differently.

use std::fmt::{self, Write as _};

use serde::ser::{self, Impossible, Serialize};

/// Append `row`'s fields as one CSV record (a `\n` at its end) to `out`.
pub fn append<T: Serialize>(row: &T, out: &mut Vec<u8>) -> Result<(), Unsupported> {
    let mut w = Record {
        out,
        first: true,
        text: String::new(),
    };
    row.serialize(&mut w)?;
    w.out.push(b'\n');
    Ok(())
}

/// A row field of a kind this writer does not spell.
#[derive(Debug)]
pub struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a CSV row cannot hold {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

struct Record<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    /// Reused for fields that arrive as `Display` values.
    text: String,
}

impl Record<'_> {
    fn delimit(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// A text field, quoted (quotes doubled) when it holds a delimiter, a quote or a line
    /// break, as the `csv` crate does.
    fn text(&mut self, s: &str) {
        self.delimit();
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.out.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(b);
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(s.as_bytes());
        }
    }

    fn integer(&mut self, v: impl itoa::Integer) {
        self.delimit();
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(what.to_string()))
}

macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ret:ty: $what:literal;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, Unsupported> {
            unsupported($what)
        })*
    };
}

impl ser::Serializer for &mut Record<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.integer(v);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.text(v);
        Ok(())
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        write!(text, "{v}").map_err(|e| Unsupported(e.to_string()))?;
        self.text(&text);
        self.text = text;
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.delimit();
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.text(variant);
        Ok(())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Unsupported> {
        Ok(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<(), Unsupported> {
        unsupported("a newtype struct")
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Unsupported> {
        unsupported("a newtype variant")
    }
    refuse! {
        serialize_bool(bool) -> (): "a bool";
        serialize_i8(i8) -> (): "an i8";
        serialize_i16(i16) -> (): "an i16";
        serialize_i32(i32) -> (): "an i32";
        serialize_i64(i64) -> (): "an i64";
        serialize_u16(u16) -> (): "a u16";
        serialize_f32(f32) -> (): "an f32 (numbers go through schema's num)";
        serialize_f64(f64) -> (): "an f64 (numbers go through schema's num)";
        serialize_char(char) -> (): "a char";
        serialize_bytes(&[u8]) -> (): "bytes";
        serialize_unit() -> (): "a unit";
        serialize_unit_struct(&'static str) -> (): "a unit struct";
        serialize_seq(Option<usize>) -> Self::SerializeSeq: "a sequence";
        serialize_tuple(usize) -> Self::SerializeTuple: "a tuple";
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct: "a tuple struct";
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant: "a tuple variant";
        serialize_map(Option<usize>) -> Self::SerializeMap: "a map";
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant: "a struct variant";
    }
}

impl ser::SerializeStruct for &mut Record<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Plain,
    }

    struct Shown(&'static str);
    impl fmt::Display for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl Serialize for Shown {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }

    #[derive(serde::Serialize)]
    struct Row {
        a: u64,
        b: u32,
        c: u8,
        text: String,
        none: Option<u32>,
        some: Option<u32>,
        kind: Kind,
        shown: Shown,
        last: Option<String>,
    }

    #[test]
    fn records_are_the_csv_crate_s_bytes() {
        let texts = [
            "",
            "plain",
            "uniform:1 @ lr 8.788",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "ünïcödé",
            "1e-12",
        ];
        let mut ours = Vec::new();
        let mut theirs = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        for (i, t) in texts.iter().enumerate() {
            let row = Row {
                a: u64::MAX - i as u64,
                b: i as u32,
                c: 255,
                text: t.to_string(),
                none: None,
                some: Some(7),
                kind: Kind::Plain,
                shown: Shown(t),
                last: (i % 2 == 0).then(|| t.to_string()),
            };
            append(&row, &mut ours).unwrap();
            theirs.serialize(&row).unwrap();
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }

    #[test]
    fn other_kinds_are_refused() {
        #[derive(serde::Serialize)]
        struct Floats {
            x: f64,
        }
        let err = append(&Floats { x: 1.0 }, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("f64"), "{err}");
    }
}
