//! A property test of the ledger on a real SQLite file: random sequences of transfers between
//! people, a community's pool and the issue account — some over the sender's balance, some over
//! the receiver's cap (refused or trimmed), some repeating a once-key — checked against a model
//! after every step, and the invariant (`Store::check_ledger`: every balance is the sum of its
//! movements, every transfer two movements summing to zero, all balances summing to zero) after
//! every sequence. (Races are tested over HTTP on both backends in `tests/tests/api/time_bank.rs`.)

use std::collections::HashMap;

use haolin_shared::api::TransferKind;
use proptest::prelude::*;

use crate::store::StoreError;
use crate::store::time_bank::{Account, CapRule, NewTransfer, Refusal};

const CAP: i64 = 500;

#[derive(Debug, Clone)]
struct Op {
    from: u8,
    to: u8,
    minutes: i64,
    rule: CapRule,
    once: Option<u8>,
}

fn account(n: u8) -> Account {
    match n {
        0 => Account::Issue,
        1 => Account::Pool(1),
        n => Account::Person(i64::from(n)),
    }
}

fn op() -> impl Strategy<Value = Op> {
    (0u8..6, 0u8..6, 1i64..400, any::<bool>(), prop::option::weighted(0.2, 0u8..4)).prop_map(
        |(from, to, minutes, trim, once)| Op {
            from,
            to,
            minutes,
            rule: if trim { CapRule::Trim } else { CapRule::Refuse },
            once,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_sequence_keeps_the_ledger_balanced_and_matches_the_model(ops in prop::collection::vec(op(), 1..30)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("haolin-ledger-props-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite:{}", dir.join("ledger.db").display());
            let store = crate::store::connect(&url, 2).await.unwrap();
            let mut model: HashMap<u8, i64> = HashMap::new();
            let mut keys = std::collections::HashSet::new();
            for op in ops.iter().filter(|op| op.from != op.to) {
                let t = NewTransfer {
                    once_key: op.once.map(|k| format!("prop:{k}")),
                    cap: Some((CAP, op.rule)),
                    ..NewTransfer::new(TransferKind::Gift, account(op.from), account(op.to), op.minutes, "prop".into())
                };
                // The model: the issue account may go below zero, nobody else; a person holds at
                // most the cap (refused or trimmed); a once-key moves minutes once.
                let from_balance = model.get(&op.from).copied().unwrap_or(0);
                let to_balance = model.get(&op.to).copied().unwrap_or(0);
                let duplicate = op.once.is_some_and(|k| keys.contains(&k));
                let room = if op.to >= 2 { (CAP - to_balance).max(0) } else { i64::MAX };
                let expected = if duplicate {
                    Err(Refusal::Duplicate)
                } else if op.minutes > room && op.rule == CapRule::Refuse {
                    Err(Refusal::OverCap { room })
                } else {
                    let moved = op.minutes.min(room);
                    if moved <= 0 {
                        Err(Refusal::Nothing)
                    } else if op.from != 0 && from_balance < moved {
                        Err(Refusal::Insufficient { balance: from_balance })
                    } else {
                        Ok(moved)
                    }
                };
                let got = match store.post_alone(&t, None, None).await {
                    Ok(Ok(posted)) => Ok(posted.minutes),
                    Ok(Err(refused)) | Err(StoreError::Ledger(refused)) => Err(refused),
                    Err(other) => panic!("store failed: {other}"),
                };
                assert_eq!(got, expected, "{op:?} with balances {from_balance} → {to_balance}");
                if let Ok(moved) = got {
                    *model.entry(op.from).or_default() -= moved;
                    *model.entry(op.to).or_default() += moved;
                    if let Some(k) = op.once {
                        keys.insert(k);
                    }
                }
            }
            let findings = store.check_ledger().await.unwrap();
            assert_eq!(findings.balance_sum, 0);
            assert!(findings.mismatched.is_empty(), "{findings:?}");
            assert!(findings.unbalanced.is_empty(), "{findings:?}");
            assert_eq!(model.values().sum::<i64>(), 0);
            drop(store);
            let _ = std::fs::remove_dir_all(&dir);
        });
    }
}
