//! Entry points for the fuzz targets (`crates/fuzz-runner`, `fuzz/`): what a call does with a
//! response, from the bytes received to the typed output, without a network.
//!
//! Not part of the public API (hidden from the docs, may change in any release). Each function
//! runs the same code as [`Client::call`](crate::Client::call) does on an attempt's response:
//! the redirect check, the vendor's envelope and error decoding, the typed output, the
//! `Date` header a signature-expired answer would correct the clock from, and the retry
//! decision. Nothing here is a copy of that code.

use serde::de::DeserializeOwned;

use crate::calendar::parse_http_date;
use crate::call::{decode_answer, Answer};
use crate::client::decode_typed;
use crate::http::HttpResponse;
use crate::protocol::{Outcome, Want};
use crate::retry::{is_clock_skew, should_retry};
use crate::{Error, ErrorKind, OperationInfo, Result, RetryConfig};

/// What a call makes of one response.
#[derive(Debug)]
pub struct Decoded<O> {
    /// The typed output, or the error the call would return (or retry).
    pub result: Result<O>,
    /// Whether the call would try again after this error (first attempt, standard policy).
    pub retried: bool,
    /// The server's time from the `Date` header, when the answer is a clock-skew error (what
    /// the call would correct its clock to).
    pub server_time: Option<i64>,
}

/// Decodes a Tencent API 3.0 response (`{"Response": {...}}`) into `O`, as a call of `op` does.
#[cfg(feature = "tencent")]
pub fn decode_tencent<O: DeserializeOwned>(
    op: &OperationInfo,
    response: HttpResponse,
) -> Decoded<O> {
    decode_with(op, response, &crate::tencent::decode)
}

/// Decodes a Huawei REST response (any 2xx body, or one of Huawei's error bodies) into `O`, as
/// a call of `op` does.
#[cfg(feature = "huawei")]
pub fn decode_huawei<O: DeserializeOwned>(
    op: &OperationInfo,
    response: HttpResponse,
) -> Decoded<O> {
    decode_with(op, response, &|response, want| {
        crate::huawei::decode_response_for(op, response, want)
    })
}

#[cfg_attr(not(any(feature = "tencent", feature = "huawei")), allow(dead_code))]
fn decode_with<O: DeserializeOwned>(
    op: &OperationInfo,
    response: HttpResponse,
    decode: &dyn Fn(HttpResponse, Want) -> Result<Outcome>,
) -> Decoded<O> {
    // The attempt loop reads the `Date` header of every response, before decoding it.
    let server_time = response.header("date").and_then(parse_http_date);
    let mut output: Option<O> = None;
    let mut typed = |outcome: &mut Outcome| decode_typed(outcome, &mut output);
    let answer = decode_answer(op, decode, response, Want::Typed, Some(&mut typed));
    let (result, retried, clock_skew) = match answer {
        Answer::Done(_) => (
            output.ok_or_else(|| Error::new(ErrorKind::Decode, "no output")),
            false,
            false,
        ),
        Answer::Final(error) => (Err(error), false, false),
        Answer::Failed(error) => {
            let retried = should_retry(&error, op);
            if retried {
                // The wait before the retry reads the error's `Retry-After`.
                let _ = RetryConfig::standard().backoff(1, &error);
            }
            let skew = is_clock_skew(&error);
            (Err(error), retried, skew)
        }
    };
    Decoded {
        result,
        retried,
        server_time: server_time.filter(|_| clock_skew),
    }
}
