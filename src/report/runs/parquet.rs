//! runs.parquet: the rows of runs.csv as a typed, zstd-compressed Parquet file, for pandas,
//! polars, DuckDB and Spark (a 10M-net runs.csv is 7 GB of text).
//!
//! The columns are not declared here: they are [`RunRow`]'s fields, in its order, typed from its
//! `Deserialize` impl (a tracing deserializer asks the row struct what each field is), and each
//! row goes into them through its `Serialize` impl with a non-human-readable serializer (so the
//! numbers arrive as f64, not as runs.csv's text). A column added to [`RunRow`] is in both files.
//!
//! Rows are buffered in columns and written as a row group every [`ROW_GROUP_ROWS`] rows,
//! counted from the start of the file (never at chunk boundaries), so the bytes are the same for
//! any thread count, chunk size, shard split or resume, and memory stays bounded (about 30 MB of
//! buffered columns) whatever the number of nets. Unsigned columns carry Parquet's unsigned
//! integer logical types; `Option` fields are nullable (null where runs.csv has an empty cell).

use std::io::Write;
use std::sync::{Arc, OnceLock};

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical, ZstdLevel};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, Type};
use serde::Deserialize;
use serde::de::{self, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize};

use super::{RunsSink, Temp, cannot_write, synced};
use crate::report::schema::{self, RunRow};
use crate::sweep::chunk::ChunkData;
use crate::sweep::config::RunsCsv;
use crate::sweep::plan::Plan;

/// Rows per row group: big enough for columnar readers to skip and compress well, small enough
/// that the buffered columns stay near 30 MB.
pub const ROW_GROUP_ROWS: usize = 65_536;
/// zstd level: level 3 (zstd's default) is within a few percent of the size of level 9 here, at
/// several times its speed.
const ZSTD_LEVEL: i32 = 3;

/// What a [`RunRow`] field holds, as traced from its `Deserialize` impl.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    U64,
    U32,
    U8,
    F64,
    Text,
}

/// One column: its name and kind, whether it may be null, and the values buffered for the
/// current row group.
#[derive(Debug)]
struct Column {
    name: &'static str,
    kind: Kind,
    nullable: bool,
    values: Values,
    /// Definition levels of a nullable column (1 present, 0 null); the values hold only the
    /// present ones.
    def: Vec<i16>,
}

#[derive(Debug)]
enum Values {
    I64(Vec<i64>),
    I32(Vec<i32>),
    F64(Vec<f64>),
    Bytes(Vec<ByteArray>),
}

impl Values {
    fn new(kind: Kind) -> Values {
        match kind {
            Kind::U64 => Values::I64(Vec::new()),
            Kind::U32 | Kind::U8 => Values::I32(Vec::new()),
            Kind::F64 => Values::F64(Vec::new()),
            Kind::Text => Values::Bytes(Vec::new()),
        }
    }

    fn clear(&mut self) {
        match self {
            Values::I64(v) => v.clear(),
            Values::I32(v) => v.clear(),
            Values::F64(v) => v.clear(),
            Values::Bytes(v) => v.clear(),
        }
    }

    /// Move `other`'s first `n` values to the end of `self` (same kind).
    fn take_front(&mut self, other: &mut Values, n: usize) {
        match (self, other) {
            (Values::I64(a), Values::I64(b)) => a.extend(b.drain(..n)),
            (Values::I32(a), Values::I32(b)) => a.extend(b.drain(..n)),
            (Values::F64(a), Values::F64(b)) => a.extend(b.drain(..n)),
            (Values::Bytes(a), Values::Bytes(b)) => a.extend(b.drain(..n)),
            _ => unreachable!("columns of one schema have one kind"),
        }
    }
}

/// The columns of runs.parquet, in [`RunRow`]'s field order, traced once; an error if a
/// field has a type no column can hold.
fn traced() -> Result<&'static [Traced], String> {
    static TRACED: OnceLock<Result<Vec<Traced>, String>> = OnceLock::new();
    TRACED
        .get_or_init(trace_run_row)
        .as_deref()
        .map_err(Clone::clone)
}

fn trace_run_row() -> Result<Vec<Traced>, String> {
    let mut trace = Trace::default();
    loop {
        match RunRow::deserialize(StructTracer { trace: &mut trace }) {
            Ok(_) => break,
            Err(e) => {
                // A field whose type refuses the placeholder text (a name-valued enum read
                // through FromStr) is left out of the next attempt, which then takes its
                // default; its kind is known already. Anything else cannot be traced.
                let retry = trace.failed.take().filter(|name| {
                    !trace.skip.contains(name)
                        && trace
                            .traced
                            .iter()
                            .any(|t| t.name == *name && t.kind == Some(Kind::Text))
                });
                match retry {
                    Some(name) => trace.skip.push(name),
                    None => return Err(format!("runs.parquet: RunRow cannot be traced: {e}")),
                }
            }
        }
    }
    trace
        .fields
        .iter()
        .map(|name| {
            trace
                .traced
                .iter()
                .find(|t| t.name == *name && t.kind.is_some())
                .cloned()
                .ok_or_else(|| format!("runs.parquet: column {name} has no traced type"))
        })
        .collect()
}

fn columns_of(traced: &[Traced]) -> Vec<Column> {
    traced
        .iter()
        .map(|t| {
            let kind = t.kind.expect("traced columns have a kind");
            Column {
                name: t.name,
                kind,
                nullable: t.nullable,
                values: Values::new(kind),
                def: Vec::new(),
            }
        })
        .collect()
}

/// The rows of one or more chunks, in columns: what a training thread builds from its chunk
/// (in parallel) and the writer appends in run order.
#[derive(Debug)]
pub struct RunColumns {
    columns: Vec<Column>,
    rows: usize,
}

impl RunColumns {
    /// The runs.parquet rows of one chunk's kept nets: the rows [`schema::runs_rows`] writes to
    /// runs.csv, the same values.
    ///
    /// Made only once a [`RunsParquet`] exists (which checked that the columns trace).
    pub fn of_chunk(plan: &Plan, which: RunsCsv, chunk: &ChunkData) -> RunColumns {
        let mut c = RunColumns {
            columns: columns_of(traced().expect("checked by RunsParquet::new")),
            rows: 0,
        };
        schema::for_each_kept_row(plan, which, chunk, |row| c.push(row));
        c
    }

    fn push(&mut self, row: &RunRow) {
        row.serialize(RowSerializer {
            columns: &mut self.columns,
            next: 0,
        })
        .expect("a RunRow's fields match the columns traced from it");
        self.rows += 1;
    }

    /// Move the first `n` rows of `other` to the end of `self`.
    fn take_front(&mut self, other: &mut RunColumns, n: usize) {
        for (a, b) in self.columns.iter_mut().zip(&mut other.columns) {
            // The values of a nullable column hold only its present rows.
            let values = if b.nullable {
                let present = b.def[..n].iter().filter(|&&d| d == 1).count();
                a.def.extend(b.def.drain(..n));
                present
            } else {
                n
            };
            a.values.take_front(&mut b.values, values);
        }
        self.rows += n;
        other.rows -= n;
    }

    fn clear(&mut self) {
        for c in &mut self.columns {
            c.values.clear();
            c.def.clear();
        }
        self.rows = 0;
    }
}

/// The Parquet schema of the columns.
fn schema(columns: &[Column]) -> parquet::errors::Result<Type> {
    let fields = columns
        .iter()
        .map(|c| {
            let unsigned = |bit_width| {
                Some(LogicalType::Integer {
                    bit_width,
                    is_signed: false,
                })
            };
            let (physical, logical) = match c.kind {
                Kind::U64 => (Physical::INT64, unsigned(64)),
                Kind::U32 => (Physical::INT32, unsigned(32)),
                Kind::U8 => (Physical::INT32, unsigned(8)),
                Kind::F64 => (Physical::DOUBLE, None),
                Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            };
            let repetition = if c.nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            };
            Type::primitive_type_builder(c.name, physical)
                .with_repetition(repetition)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<parquet::errors::Result<Vec<_>>>()?;
    Type::group_type_builder("runs").with_fields(fields).build()
}

/// Streams runs.parquet to `W`: [`append`](Self::append) chunks' rows in run order, then
/// [`finish`](Self::finish).
pub struct RunsParquet<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    pending: RunColumns,
}

impl<W: Write + Send> RunsParquet<W> {
    pub fn new(out: W) -> parquet::errors::Result<Self> {
        let pending = RunColumns {
            columns: columns_of(traced().map_err(parquet::errors::ParquetError::General)?),
            rows: 0,
        };
        let schema = Arc::new(schema(&pending.columns)?);
        // Dictionaries only for text (a few distinct inits and labels); numbers are plain and
        // left to zstd. The created-by string names this tool, not a build date: same bytes.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?))
            .set_dictionary_enabled(false)
            .set_max_row_group_size(ROW_GROUP_ROWS)
            .set_created_by(format!("xorsweep {}", env!("CARGO_PKG_VERSION")));
        for c in pending.columns.iter().filter(|c| c.kind == Kind::Text) {
            props = props.set_column_dictionary_enabled(ColumnPath::from(c.name), true);
        }
        let writer = SerializedFileWriter::new(out, schema, Arc::new(props.build()))?;
        Ok(RunsParquet { writer, pending })
    }

    /// Append rows (the next in run order); every full row group is written out.
    pub fn append(&mut self, mut batch: RunColumns) -> parquet::errors::Result<()> {
        while batch.rows > 0 {
            let take = (ROW_GROUP_ROWS - self.pending.rows).min(batch.rows);
            self.pending.take_front(&mut batch, take);
            if self.pending.rows == ROW_GROUP_ROWS {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> parquet::errors::Result<()> {
        if self.pending.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        for c in &self.pending.columns {
            let mut w = group
                .next_column()?
                .expect("the schema has one column per buffered column");
            let def = c.nullable.then_some(&c.def[..]);
            match &c.values {
                Values::I64(v) => w.typed::<Int64Type>().write_batch(v, def, None)?,
                Values::I32(v) => w.typed::<Int32Type>().write_batch(v, def, None)?,
                Values::F64(v) => w.typed::<DoubleType>().write_batch(v, def, None)?,
                Values::Bytes(v) => w.typed::<ByteArrayType>().write_batch(v, def, None)?,
            };
            w.close()?;
        }
        group.close()?;
        self.pending.clear();
        Ok(())
    }

    /// Write the last row group and the footer; the writer back, for the caller to sync.
    pub fn finish(mut self) -> parquet::errors::Result<W> {
        self.flush()?;
        self.writer.into_inner()
    }
}

/// runs.parquet as the pipeline writes it: into the sweep's temporary file.
impl RunsSink for RunsParquet<Temp> {
    type Rows = RunColumns;
    const FILE: &'static str = "runs.parquet";

    fn create(out: Temp) -> anyhow::Result<Self> {
        RunsParquet::new(out).map_err(|e| cannot_write(Self::FILE, parquet_error(e)))
    }

    fn rows(plan: &Plan, which: RunsCsv, chunk: &ChunkData) -> RunColumns {
        RunColumns::of_chunk(plan, which, chunk)
    }

    fn append(&mut self, rows: RunColumns) -> anyhow::Result<()> {
        RunsParquet::append(self, rows).map_err(|e| cannot_write(Self::FILE, parquet_error(e)))
    }

    fn finish(self) -> anyhow::Result<tempfile::NamedTempFile> {
        let out =
            RunsParquet::finish(self).map_err(|e| cannot_write(Self::FILE, parquet_error(e)))?;
        synced(out, Self::FILE)
    }
}

/// A Parquet writer's error in the words of the other writers: the I/O error underneath (a full
/// disk: "No space left on device (os error 28)") rather than the library's "External: …", or
/// the library's own message without its variant's name.
fn parquet_error(e: parquet::errors::ParquetError) -> String {
    use parquet::errors::ParquetError;
    match e {
        ParquetError::External(inner) => match inner.downcast_ref::<std::io::Error>() {
            Some(io) => io.to_string(),
            None => inner.to_string(),
        },
        ParquetError::General(m) => m,
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tracing the columns from RunRow's Deserialize impl.

type DeError = de::value::Error;

/// A field as traced: its name, its kind and whether it is an `Option`.
#[derive(Clone, Debug)]
struct Traced {
    name: &'static str,
    kind: Option<Kind>,
    nullable: bool,
}

/// What the attempts at deserializing a [`RunRow`] found out.
#[derive(Default)]
struct Trace {
    /// The struct's fields, in order.
    fields: &'static [&'static str],
    /// What each field asked for (the latest attempt's, by name).
    traced: Vec<Traced>,
    /// Fields the next attempt leaves out.
    skip: Vec<&'static str>,
    /// The field whose deserialization failed.
    failed: Option<&'static str>,
}

/// Answers `deserialize_struct` with a map of the struct's own field names, and records what
/// each field asks for.
struct StructTracer<'t> {
    trace: &'t mut Trace,
}

impl<'de> de::Deserializer<'de> for StructTracer<'_> {
    type Error = DeError;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.trace.fields = fields;
        visitor.visit_map(FieldsAccess {
            trace: self.trace,
            next: 0,
        })
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom("runs.parquet's rows are structs"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

struct FieldsAccess<'t> {
    trace: &'t mut Trace,
    next: usize,
}

impl<'de> de::MapAccess<'de> for FieldsAccess<'_> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let fields = self.trace.fields;
        while fields
            .get(self.next)
            .is_some_and(|n| self.trace.skip.contains(n))
        {
            self.next += 1;
        }
        let Some(&name) = fields.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        let name = self.trace.fields[self.next];
        let mut traced = Traced {
            name,
            kind: None,
            nullable: false,
        };
        let value = seed.deserialize(FieldTracer {
            traced: &mut traced,
        });
        self.trace.traced.retain(|t| t.name != name);
        self.trace.traced.push(traced);
        if value.is_err() {
            self.trace.failed = Some(name);
        }
        self.next += 1;
        value
    }
}

/// Records the kind a field deserializes as, and hands it a placeholder value.
struct FieldTracer<'t> {
    traced: &'t mut Traced,
}

impl<'de> de::Deserializer<'de> for FieldTracer<'_> {
    type Error = DeError;

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.traced.kind = Some(Kind::U64);
        visitor.visit_u64(0)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.traced.kind = Some(Kind::U32);
        visitor.visit_u32(0)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.traced.kind = Some(Kind::U8);
        visitor.visit_u8(0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.traced.kind = Some(Kind::F64);
        visitor.visit_f64(0.0)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.traced.kind = Some(Kind::Text);
        visitor.visit_str("")
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.traced.nullable = true;
        visitor.visit_some(self)
    }

    /// A unit-variant enum (precision) is written as its variant's name: text.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.traced.kind = Some(Kind::Text);
        let first: &str = variants
            .first()
            .ok_or_else(|| de::Error::custom("an enum without variants"))?;
        visitor.visit_enum(first.into_deserializer())
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom(format!(
            "runs.parquet: column {} has a type without a Parquet column (numbers, text and options only)",
            self.traced.name
        )))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u16 u128 f32 char bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

// ---------------------------------------------------------------------------------------------
// Serializing a RunRow into the columns.

type SerError = de::value::Error;

/// Takes a [`RunRow`] field by field into the columns, in order.
struct RowSerializer<'c> {
    columns: &'c mut [Column],
    next: usize,
}

fn unsupported<T>(what: &str) -> Result<T, SerError> {
    Err(ser::Error::custom(format!(
        "runs.parquet: a {what} has no column"
    )))
}

/// The serde boilerplate of a serializer that takes only what `$ok` lists.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, SerError> {
            unsupported(stringify!($method))
        })*
    };
}

impl<'c> ser::Serializer for RowSerializer<'c> {
    type Ok = ();
    type Error = SerError;
    type SerializeStruct = Self;
    type SerializeSeq = ser::Impossible<(), SerError>;
    type SerializeTuple = ser::Impossible<(), SerError>;
    type SerializeTupleStruct = ser::Impossible<(), SerError>;
    type SerializeTupleVariant = ser::Impossible<(), SerError>;
    type SerializeMap = ser::Impossible<(), SerError>;
    type SerializeStructVariant = ser::Impossible<(), SerError>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, SerError> {
        Ok(self)
    }

    refuse! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), SerError> {
        unsupported("bare option")
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        unsupported("newtype")
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        unsupported("newtype variant")
    }
}

impl ser::SerializeStruct for RowSerializer<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let column = self
            .columns
            .get_mut(self.next)
            .filter(|c| c.name == key)
            .ok_or_else(|| ser::Error::custom(format!("runs.parquet: no column {key} here")))?;
        value.serialize(CellSerializer { column })?;
        self.next += 1;
        Ok(())
    }

    fn end(self) -> Result<(), SerError> {
        Ok(())
    }
}

/// Puts one field's value into its column.
struct CellSerializer<'c> {
    column: &'c mut Column,
}

impl CellSerializer<'_> {
    /// Note a present value of a nullable column.
    fn present(self) -> Result<(), SerError> {
        if self.column.nullable {
            self.column.def.push(1);
        }
        Ok(())
    }

    fn mismatch(name: &str, what: &str) -> SerError {
        ser::Error::custom(format!(
            "runs.parquet: column {name} was traced as another type than {what}"
        ))
    }
}

impl ser::Serializer for CellSerializer<'_> {
    type Ok = ();
    type Error = SerError;
    type SerializeStruct = ser::Impossible<(), SerError>;
    type SerializeSeq = ser::Impossible<(), SerError>;
    type SerializeTuple = ser::Impossible<(), SerError>;
    type SerializeTupleStruct = ser::Impossible<(), SerError>;
    type SerializeTupleVariant = ser::Impossible<(), SerError>;
    type SerializeMap = ser::Impossible<(), SerError>;
    type SerializeStructVariant = ser::Impossible<(), SerError>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_u64(self, v: u64) -> Result<(), SerError> {
        match &mut self.column.values {
            // Parquet's UINT_64 is stored in an INT64's bits.
            Values::I64(values) => {
                values.push(v as i64);
                self.present()
            }
            _ => Err(Self::mismatch(self.column.name, "u64")),
        }
    }

    fn serialize_u32(self, v: u32) -> Result<(), SerError> {
        self.int32(v as i32, Kind::U32, "u32")
    }

    fn serialize_u8(self, v: u8) -> Result<(), SerError> {
        self.int32(i32::from(v), Kind::U8, "u8")
    }

    fn serialize_f64(self, v: f64) -> Result<(), SerError> {
        match &mut self.column.values {
            Values::F64(values) => {
                values.push(v);
                self.present()
            }
            _ => Err(Self::mismatch(self.column.name, "f64")),
        }
    }

    fn serialize_str(self, v: &str) -> Result<(), SerError> {
        match &mut self.column.values {
            Values::Bytes(values) => {
                values.push(ByteArray::from(v));
                self.present()
            }
            _ => Err(Self::mismatch(self.column.name, "text")),
        }
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), SerError> {
        self.serialize_str(variant)
    }

    fn serialize_none(self) -> Result<(), SerError> {
        if !self.column.nullable {
            return Err(Self::mismatch(self.column.name, "an option"));
        }
        self.column.def.push(0);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), SerError> {
        value.serialize(self)
    }

    refuse! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u16(u16) -> ();
        serialize_f32(f32) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        unsupported("newtype variant")
    }
}

impl CellSerializer<'_> {
    fn int32(self, v: i32, kind: Kind, what: &str) -> Result<(), SerError> {
        if self.column.kind != kind {
            return Err(Self::mismatch(self.column.name, what));
        }
        match &mut self.column.values {
            Values::I32(values) => {
                values.push(v);
                self.present()
            }
            _ => Err(Self::mismatch(self.column.name, what)),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parquet_errors_are_said_as_the_other_writers_say_them() {
        use parquet::errors::ParquetError;
        let io = || std::io::Error::from_raw_os_error(libc::ENOSPC);
        let full = ParquetError::External(Box::new(io()));
        // What the library would say, and what xorsweep says instead.
        assert!(full.to_string().starts_with("External"), "{full}");
        let why = super::parquet_error(full);
        assert_eq!(why, io().to_string());
        assert!(!why.contains("External"), "{why}");
        assert_eq!(
            super::parquet_error(ParquetError::General("bad".into())),
            "bad"
        );
    }
}
