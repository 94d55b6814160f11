"""The hybrid clause searcher as a LangChain retriever.

A module of its own so that answering a question does not import LangChain (its tracing
pulls in langsmith: about a second of a cold start on two cores).
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval import HybridSearcher


class ClauseRetriever(BaseRetriever):
    """The hybrid searcher as a LangChain retriever; each Document is one clause.

    Usage::

        retriever = ClauseRetriever(searcher=searcher, k=5)
        docs = retriever.invoke("质量奖多久评一次")
        docs[0].metadata["clause_id"], docs[0].metadata["section"]
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5
    mode: str = "hybrid"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        index = self.searcher.index
        documents = []
        for rank, hit in enumerate(self.searcher.search(query, k=self.k, mode=self.mode), start=1):
            clause = index.clauses[hit.clause_id]
            document = index.documents[clause.doc_id]
            documents.append(
                LCDocument(
                    page_content=clause.text,
                    metadata={
                        "clause_id": clause.clause_id,
                        "doc_id": document.doc_id,
                        "doc_number": document.doc_number,
                        "title": document.title,
                        "section": clause.section,
                        "rank": rank,
                        "score": hit.score,
                        "dense": hit.dense,
                        "lexical": hit.lexical,
                    },
                )
            )
        return documents
