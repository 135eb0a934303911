//! Reading a CSV file into a header and data rows of UTF-8 strings, keeping each row's
//! number and line for error messages. WooCommerce's importers read with `fgetcsv`
//! (comma, double quotes, no escape character) and drop a UTF-8 BOM; so does this.

use std::io::Read;

use super::ImportError;

pub(crate) struct Table {
    /// Header cells, trimmed, BOM removed.
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// Data rows read, blank ones included.
    pub total_rows: usize,
}

pub(crate) struct RawRow {
    /// 1-based data row.
    pub row: usize,
    /// 1-based line where the record starts.
    pub line: u64,
    pub cells: Vec<String>,
}

impl RawRow {
    /// The cell at `index`, `""` when the row is shorter than the header.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map(String::as_str).unwrap_or("")
    }
}

/// Read the whole table. `progress` is called with the number of data rows read after every
/// 100th row. Rows whose cells are all blank are skipped (they keep their row number).
pub(crate) fn read_table<R: Read>(input: R, progress: &mut dyn FnMut(usize)) -> Result<Table, ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();

    let read = |reader: &mut csv::Reader<R>, record: &mut csv::ByteRecord| -> Result<bool, ImportError> {
        reader.read_byte_record(record).map_err(|e| ImportError::Csv {
            line: e.position().map(|p| p.line()),
            reason: match e.kind() {
                csv::ErrorKind::Io(io) => io.to_string(),
                _ => e.to_string(),
            },
        })
    };

    if !read(&mut reader, &mut record)? {
        return Err(ImportError::Header { reason: "the file is empty".into() });
    }
    let mut headers = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let raw = if i == 0 { raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw) } else { raw };
        let text = std::str::from_utf8(raw).map_err(|_| ImportError::Header {
            reason: format!("column {} is not valid UTF-8 (save the file as UTF-8)", i + 1),
        })?;
        headers.push(text.trim().to_string());
    }

    let mut rows = Vec::new();
    let mut row = 0usize;
    while read(&mut reader, &mut record)? {
        row += 1;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let mut cells = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            let text = std::str::from_utf8(raw).map_err(|_| {
                let column = headers.get(i).cloned().unwrap_or_else(|| format!("#{}", i + 1));
                ImportError::row(row, line, &column, "the value is not valid UTF-8 (save the file as UTF-8)")
            })?;
            cells.push(text.to_string());
        }
        if row.is_multiple_of(100) {
            progress(row);
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(RawRow { row, line, cells });
    }
    Ok(Table { headers, rows, total_rows: row })
}
