"""Databases: Azure SQL, MySQL, Data Explorer, Cosmos DB for MongoDB."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    BYTES,
    DATA_TYPE,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    MYSQL_ROW,
    MYSQL_ROW_LIST,
    SQL_ROW,
    SQL_ROW_LIST,
    STR,
    connection,
    prop,
)
from funcls.model.catalogue.types import BindingSpec, Direction, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"
_IN: tuple[Direction, ...] = ("in",)
_OUT: tuple[Direction, ...] = ("out",)


def _relational(engine: str, *, family: str, row: str, rows: str) -> tuple[BindingSpec, ...]:
    """The trigger and the input/output binding of the SQL-style extensions."""
    conn = connection(
        f"the {engine} database",
        name="connectionStringSetting",
        extra="The setting holds a connection string (or, for Azure SQL, one that asks for "
        "`Authentication=Active Directory Managed Identity`).",
    )
    table = prop(
        "tableName",
        "string",
        f"The {engine} table whose changes start the function, e.g. `dbo.ToDo`.",
        "Change tracking must be enabled on the database and on the table."
        if family == "sql"
        else "The table needs an auto-updated `az_func_updated_at` column the trigger reads.",
        required=True,
        role="sql-table",
    )
    leases = prop(
        "leasesTableName",
        "string",
        "Name of the table that tracks the trigger's progress.",
        "Leave it out and one is made from the function and table names. Set it to keep "
        "the progress when renaming the function.",
    )
    command_props: tuple[PropertySpec, ...] = (
        prop(
            "commandText",
            "string",
            "Input: the query or stored procedure to run. Output: the table to write to.",
            "An input query can use `@Name` parameters filled from `parameters`; an output "
            "table name may carry its schema, e.g. `dbo.ToDo`.",
            required=True,
        ),
        prop(
            "commandType",
            "string",
            "`Text` for a query, `StoredProcedure` for a procedure name.",
            values=("Text", "StoredProcedure"),
            default="Text",
            directions=_IN,
        ),
        prop(
            "parameters",
            "string",
            "Query parameters as `@Name=value` pairs separated by commas, e.g. `@Id={Query.id}`.",
            directions=_IN,
        ),
        conn,
        DATA_TYPE,
    )
    trigger_word = "change tracking" if family == "sql" else "a polling query"
    prefix = "functions-bindings-azure-sql" if family == "sql" else "functions-bindings-azure-mysql"
    return (
        BindingSpec(
            type=f"{family}Trigger",
            family=family,
            title=f"{engine} trigger",
            trigger=True,
            directions=("in",),
            summary=f"Runs the function when rows of a {engine} table change.",
            description=(
                f"The trigger finds changed rows through {trigger_word} and hands the function "
                "a batch of changes as JSON text: a list of objects with `Operation` and "
                "`Item`. Annotate the parameter as `str` and parse it with `json.loads`."
            ),
            properties=(table, conn, leases, DATA_TYPE),
            input_types=(rows, STR, BYTES) if family == "mysql" else GENERIC_INPUT_TYPES,
            docs=f"{_DOCS}{prefix}-trigger",
        ),
        BindingSpec(
            type=family,
            family=family,
            title=f"{engine} input / output",
            trigger=False,
            directions=("in", "out"),
            summary=f"Runs a query against {engine}, or upserts rows into a table.",
            description=(
                f"As an input the function receives the rows as a `func.{rows.rsplit('.', 1)[1]}`."
                f" As an output, set a `func.Out[func.{row.rsplit('.', 1)[1]}]` (or a row list) "
                "and the rows are upserted by primary key when the function returns."
            ),
            properties=command_props,
            input_types=(rows, STR, BYTES),
            output_types=(row, rows, STR, BYTES),
            return_types=(row, rows),
            docs=f"{_DOCS}{prefix}-input",
        ),
    )


SQL = _relational("Azure SQL", family="sql", row=SQL_ROW, rows=SQL_ROW_LIST)
MYSQL = _relational("Azure Database for MySQL", family="mysql", row=MYSQL_ROW, rows=MYSQL_ROW_LIST)

# --- Azure Data Explorer ----------------------------------------------------------------------

KUSTO = BindingSpec(
    type="kusto",
    family="kusto",
    title="Azure Data Explorer input / output",
    trigger=False,
    directions=("in", "out"),
    summary="Runs a KQL query against Azure Data Explorer, or ingests rows into a table.",
    description=(
        "There is no decorator for it in azure-functions; declare it in function.json or with "
        "the generic decorators. As an input the function receives the query result as JSON "
        "text; as an output, set JSON text (one object or a list) to ingest it. The extension "
        "is in preview."
    ),
    properties=(
        prop(
            "database",
            "string",
            "The database to query or ingest into.",
            required=True,
        ),
        prop(
            "kqlCommand",
            "string",
            "The KQL query (or function call) to run.",
            "Declare parameters with `declare query_parameters (id:long);` and fill them from "
            "`kqlParameters`.",
            directions=_IN,
        ),
        prop(
            "kqlParameters",
            "string",
            "Query parameters as `@name=value` pairs separated by commas.",
            directions=_IN,
        ),
        prop("tableName", "string", "The table to ingest into.", directions=_OUT),
        prop(
            "mappingRef",
            "string",
            "Name of an ingestion mapping defined on the table.",
            directions=_OUT,
        ),
        prop(
            "dataFormat",
            "string",
            "Format of the ingested data; `json` when left out.",
            default="json",
            directions=_OUT,
        ),
        connection(
            "the Data Explorer cluster",
            name="connection",
            extra="The setting holds a Kusto connection string (cluster URL and credentials).",
        ),
        prop(
            "managedServiceIdentity",
            "string",
            "`system`, or the client id of a user-assigned identity, to connect with.",
        ),
        DATA_TYPE,
    ),
    input_types=GENERIC_INPUT_TYPES,
    output_types=GENERIC_OUTPUT_TYPES,
    docs=_DOCS + "functions-bindings-azure-data-explorer",
)

# --- Azure Cosmos DB for MongoDB (vCore) ------------------------------------------------------

_MONGO_CONN = connection(
    "the MongoDB account",
    name="connectionStringSetting",
    required=False,
    default="CosmosDBMongo",
)
_MONGO_COMMON: tuple[PropertySpec, ...] = (
    _MONGO_CONN,
    prop("databaseName", "string", "The database to use.", required=True),
    prop(
        "collectionName",
        "string",
        "The collection to use.",
        "The trigger may leave it out when `triggerLevel` is `Database` or `Cluster`.",
    ),
    prop(
        "createIfNotExists",
        "boolean",
        "Create the collection (and the trigger's lease collection) when missing.",
        default=False,
    ),
    prop("tenantId", "string", "Microsoft Entra tenant for managed-identity access."),
    prop(
        "managedIdentityClientId",
        "string",
        "Client id of the user-assigned managed identity to connect with.",
    ),
    DATA_TYPE,
)

MONGO: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="cosmosDBMongoTrigger",
        family="cosmosdb-mongo",
        title="Azure Cosmos DB for MongoDB trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for changes in a MongoDB (vCore) collection's change stream.",
        description=(
            "Declare it in function.json (no azure-functions decorator yet). The function "
            "receives the change as JSON text. The extension is in preview."
        ),
        properties=(
            *_MONGO_COMMON,
            prop(
                "triggerLevel",
                "string",
                "Watch one `Collection`, a whole `Database`, or the `Cluster`.",
                values=("Collection", "Database", "Cluster"),
                default="Collection",
            ),
            prop("leaseDatabaseName", "string", "Database of the lease collection."),
            prop(
                "leaseCollectionName",
                "string",
                "Collection that stores the trigger's leases.",
                default="leases",
            ),
            prop(
                "leaseConnectionStringSetting",
                "string",
                "App setting for the lease account; the monitored account when left out.",
                role="connection",
            ),
            prop("leaseTenantId", "string", "Tenant for managed-identity access to leases."),
            prop(
                "leaseManagedIdentityClientId",
                "string",
                "User-assigned identity for the lease account.",
            ),
        ),
        input_types=GENERIC_INPUT_TYPES,
        docs=_DOCS + "functions-triggers-bindings",
    ),
    BindingSpec(
        type="cosmosDBMongo",
        family="cosmosdb-mongo",
        title="Azure Cosmos DB for MongoDB input / output",
        trigger=False,
        directions=("in", "out"),
        summary="Reads documents from, or writes documents to, a MongoDB (vCore) collection.",
        description=(
            "Declare it in function.json. An input returns the matching documents as JSON "
            "text; an output writes the JSON it is given. The extension is in preview."
        ),
        properties=(
            *_MONGO_COMMON,
            prop(
                "queryString",
                "string",
                'A MongoDB filter as JSON text, e.g. `{"id": "{Query.id}"}`.',
                directions=_IN,
            ),
        ),
        input_types=GENERIC_INPUT_TYPES,
        output_types=GENERIC_OUTPUT_TYPES,
        docs=_DOCS + "functions-triggers-bindings",
    ),
)

BINDINGS: tuple[BindingSpec, ...] = (*SQL, *MYSQL, KUSTO, *MONGO)
