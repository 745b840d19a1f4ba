"""Rebuild the real-world corpus of Python Functions apps and its oracle.

    .venv/bin/python scripts/build_corpus.py [--mirrors /work/.mirror] [--out /tmp/funcls-corpus]

Every repository of REPOSITORIES whose mirror is under --mirrors (``owner+name/repo``, as the
library's fetch tool leaves them; the missing ones are named at the end) is exported at its HEAD
with ``git archive`` (no checkout, no hooks, no filters the repository could configure) into
``OUT/owner+name``. App roots are found independently of funcls: a folder with function_app.py
(outside a Python package), or with host.json or function.json sub-folders and Python code (C#,
JavaScript and Java apps are left out).

With ``--no-oracle`` no script is imported (nothing of the fetched repositories runs): the
manifest then has the roots without the library's index, and the report says the functions
were not compared. The oracle is the library's own indexing: for every root with a v2 script,
a child process imports the script as the worker does (root on sys.path) and prints what
``get_functions()`` / ``get_function_json()`` give, as tests/support/fidelity.py does.
Third-party modules the script imports that are not installed here are replaced by inert
stand-ins, so that apps whose dependencies are missing still index; a script that still
fails is recorded with its error (no oracle). This runs the corpus' code, in a child process
with a time limit: it is what the library does, and why the corpus lives outside the
repository.

Writes ``OUT/manifest.json``: repositories (commit), roots (path, model, oracle or error) and
the worker's deliberately broken fixtures (tests/unittests/broken_functions/*).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

SKIP = {"node_modules", "__pycache__", ".venv", "venv", ".git", ".python_packages"}

# The corpus, by name: each is fetched with the library's fetch tool (github:owner/name) and read
# from its mirror. A mirror not listed here is not part of the corpus (others fetch repositories
# for other reasons), and a listed one that is missing is reported so that it can be fetched.
# Azure/azure-functions-templates is left out on purpose: it holds the templates Core Tools fills
# in ($(FUNCTION_NAME_INPUT) placeholders), not apps anyone runs.
REPOSITORIES = (
    # Azure: the worker (its tests/endtoend and tests/unittests apps, the deliberately broken
    # fixtures), the library, durable, the extensions, the host's samples
    "Azure/azure-functions-dapr-extension",
    "Azure/azure-functions-durable-extension",
    "Azure/azure-functions-durable-python",
    "Azure/azure-functions-host",
    "Azure/azure-functions-kafka-extension",
    "Azure/azure-functions-openai-extension",
    "Azure/azure-functions-python-extensions",
    "Azure/azure-functions-python-library",
    "Azure/azure-functions-python-worker",
    "Azure/azure-functions-redis-extension",
    "Azure/azure-functions-sql-extension",
    "Azure/azure-webjobs-sdk",
    "Azure/azure-webjobs-sdk-extensions",
    "Azure-Samples/azure-functions-python-v2",
    "Azure-Samples/functions-python-data-cleaning-pipeline",
    "Azure-Samples/functions-python-ldamodeling",
    "Azure-Samples/remote-mcp-functions-python",
    "Azure-Samples/simple-agent-functions-python",
    # yeongseon: a cookbook of 100+ v2 apps, a guide, the example apps of helper libraries
    "yeongseon/azure-functions-db-python",
    "yeongseon/azure-functions-langgraph-python",
    "yeongseon/azure-functions-openapi-python",
    "yeongseon/azure-functions-practical-guide",
    "yeongseon/azure-functions-python-cookbook",
    "yeongseon/azure-functions-python-v2-samples",
    "yeongseon/azure-functions-validation-python",
    # user projects and sample collections (4 December 2026)
    "1084-Ventures/autogensocial-agent",
    "13w13/kobo-pdf-generator",
    "1mbili/python-weather-app",
    "2023-comp0016-avanade-team4/diagnoseai-monorepo",
    "2XD/confluence-to-md",
    "365-Insights/CallReport-AI",
    "39Natsu/ServerlessGamesAPI",
    "3ch0p01nt/azure-functions-hello-world",
    "44digits/xyztiles-azure",
    "4pawan/charting-alert",
    "A-Larsen/azure-resume-backend",
    "ACHPER-Victoria/iMIS-Automation",
    "ACHPER-Victoria/iMISMembConfCheck",
    "AGVANKU/dba5115-agent-template",
    "AI-EMB-Accelerator/ballot-proofer-functions",
    "AI-READI/fairhub-pipeline",
    "AI-READI/pipeline",
    "AIAficionado/Function-SSE-Proxy",
    "AKS2010/fastapi-fapp",
    "AMWealth/pre-orders-form",
    "AMX07/entraid-task-agent",
    "ANY-Twitter/Backend",
    "ASISaga/linkedin-mcp-server",
    "Abaco-Technol/abaco-loans-analytics",
    "AbakusNantis/freelance-bot",
    "AbbasNassereddine/Recipiq",
    "AbdelwadoudMakh55/Book2ball",
    "Abdo-Mos/studentAPI",
    "DSpirit/azure-functions-python-ms-graph",
    "JarroVGIT/azure-functions-python-v2-load-issue",
    "LeonardHd/azure-durable-functions-python-testing-samples",
    "Russ-Holloway/functions-python-web-crawler",
    "anthonychu/functions-python-durable-image-classifier",
    "csiebler/azure-functions-python-examples",
    "kemurayama/azure-functions-python-samples",
    "kloopdogg/AzureFunctions-Python",
    "ks6088ts-labs/azure-functions-python",
    "marcduiker/azure-functions-university",
    "netbirdio/azure-functions-python-db-access",
    "niswitze/Azure-Functions-Python-Labs-Demos",
    "yokawasa/azure-functions-python-samples",
    # added 5 December 2026
    "1084-Ventures/StarLifeApp-UserService",
    "1084-Ventures/autogensocial_content-generator",
    "3dt-3rd-project-org/metadatafunction",
    "AI-is-very-helpful/ai-agent",
    "AIorBust/PerformanceIQ",
    "AGVANKU/agent.agcloud.it",
    "AMWealth/amw-bo-agents-settlement",
    "Azure/azure-functions-core-tools",
    "Ebla-Computer-Consultancy/ai-projects",
    "EthanTravers/API-Hub",
    "NAry-Byun/CWB_Hackathon-2025",
    "amuhak/PHIL-4176",
    "aprv-tradelyncs/test-pipeline",
    "azure-way/azure-function-container-apps",
    "du2333/Github-Actions-test",
    "gavin-aguiar/python-functions-new-prg-model",
    "ggpwnkthx/azfunc-pyapi-abstract",
    "iaas-splab/function-orchestration-modeling",
    "infamous55/az-functions-example",
    "kloudkrafts01/kspyder",
    "ngacho/ingredient-backend",
    "pamelafox/staticmaps-function",
    "szymonos/python-functions",
    "tonttu-ai/email-copilot-prototype",
    # added 5 December 2026, second round: v2 apps with several blueprint modules and packages,
    # modules decorating the script's app imported back, durable v2 (df.Blueprint, DFApp), v1
    # durable apps with shared code folders, v1 apps with shared_code packages, the blob SDK-type
    # extension, apps in src/ folders, monorepos of several apps
    "ASISaga/BusinessInfinity",
    "Azure-Samples/durable-functions-quickstart-python-azd",
    "Azure-Samples/serverless-agents-expense-processor",
    "Azure-Samples/snippy",
    "BillmanH/learn-az-functions",
    "CGSOG-JumpStarts/indexadillo",
    "ChrisRomp/demo-durable-func-shared-modules",
    "Code-and-Sorts/cookie-py-az-func-api",
    "JoaquinMarsanPi/azure-func-clean-template",
    "JoranSlingerland/StockTracker",
    "Kode-Rex/webcat",
    "OWASP-Foundation/owaspadmin-azurefunctions",
    "SennR-1952135/AE-iLearn-pdf-export",
    "StromFLIX/durable_indexing",
    "czhujer/azure-functions-dapr-playground",
    "dexplorer/df-azure-serverless",
    "droosifer/azure_func_blob_demo",
    "dsi28/Azure-AI-Translation-Durable-Function",
    "freedev/azure-durable-function-python-concurrency",
    "guythetechie/azure-function-app-python-storage-account",
    "happywhy/Azure-Function-App-VSCode",
    "heegene-msft/azure-serverless-handson",
    "marlinspike/FunctionAppZipDeploy",
    "mnbf9rca/eventhub-to-timescale",
    "nnashiki/azfunctions-py-skelton",
    "renaudjmathieu/serverless-full-stack-apps-azure-synapse",
    "ritvik-celebal/masan",
    "sabaoonbedar/azure-durable-functions",
    "sophos/Sophos-Cloud-Optix-Remediation-Functions",
    "veeravn/blog-writer",
    "Universe1609/azure-functions-example",
    "PerfectThymeTech/AzureFunctionPython",
    "Grapevine-Health/cj20231029a",
    "muriloGomesOptimatech/AzFunctionStream",
    "nevoniuk/SalaryMatchAPI",
    "czhujer/azure-functions-playground",
    "Market-Finance/stockApps",
    "Dylan-Prins/test",
    "MalkaKozlik/cicd-terraform-github-actions",
    "Rezmodeus/functionApp1",
    "madebygps/inventory-cosmosdb-fastfunctions",
    # added 5 December 2026, third round: apps in src/functions with blueprint packages and
    # helpers imported from the app's own packages, monorepos of several apps (apps/api and
    # apps/worker; four function_app.py under one host.json; four app folders with their own
    # host.json), a v2 script next to v1 function.json folders, v1 apps with shared_code
    # packages, a v2 app with an MCP tool, a larger sample with a batch app in code/backend
    "fgarofalo56/azure-doc-intelligence-pipeline",
    "GraniLuk/CryptoMorningReports",
    "WRLC/barcode_checks",
    "johnjjudge/leaguebrief",
    "hugogirard/contractIndexing",
    "cloether/azure-function-sentinel-alert",
    "jamalwsilva/urlchecker",
    "juandaherrera/finmail",
    "tfmamff-ops/vision-pipeline",
    "aldelar/azure-knowledge-base-ingestion",
    "michaelhuot-msft/forms-to-fabric",
    "neilpeterson/AzureOptimizationAgent",
    "emeraldleaf/event-driven-ai-document-processing",
    "Radargoger/azure-collectionbased-threatfeed",
    "diogojacomini/worldfootball",
    "AJStangl/FunctionBots",
    "matthansen0/certaudio",
    "deepak0x/drift-travel-ai",
    "dfernandezmOnesec/bot-vea-connect",
    "Azure-Samples/chat-with-your-data-solution-accelerator",
    "Kroonjay/BeaconBot",
    "CoCo-27/Culvana_payment",
    "isrxl/enquiry-hub",
    "Tomodo1773/tech-knowledge-agent",
    "PeakMade/AuthorizationService",
    # a df.DFApp registering one blueprint module per activity; a package function_app/ beside
    # function_app.py (the import takes the package); a v1 function folder named function_app
    "pedropcamellon/invoice-processing",
    "Nick-007/StreamFoundry",
    "zhao0294/CST8917-Assignment1",
    # added 5 December 2026, fourth round: durable v2 apps with df.Blueprint modules in packages
    # (one per activity, shared helpers); several blueprint modules and packages re-exporting
    # them, one registered in a loop over a list; WSGI apps (Flask through WsgiFunctionApp, one
    # under src/ with relative imports, one with blueprints of its own) and ASGI apps (FastAPI
    # with relative imports, a star import, a nested host.json); v1 apps wrapping WSGI/ASGI
    # frameworks and a repository of two v1 apps sharing code through sys.path; monorepos of
    # several apps (two Python apps beside a TypeScript one; three v2 apps); the blob SDK-type
    # extension (one repository with its .venv committed) and a template collection using the
    # SDK-type extensions; a v2 script beside a v1 folder of the same function (a mixed app)
    "jamesmcroft/azure-ai-document-pipeline-python-sample",
    "KenguruKleo/predictive-maintenance",
    "microsoft/chiron",
    "MateusSantosF/sagefy-functions",
    "EiinGeeeL/frankenst-ai",
    "AngeloMeo/EcoFleet-AI-Advisor",
    "vtbassmatt/since",
    "dsroberts/clex-functional-accounting",
    "Jannnesi/rem-custapi-configpage",
    "ks6088ts-labs/azure-ai-services-solutions",
    "DARYL-SAS/monorepo-alpha",
    "Hazhzeng/functions-wsgi",
    "frederictriquet/FastApi-Azure",
    "bridgecrew-perf6/az-deploy",
    "JayChase/mixed-py-mono-repo",
    "Nisha789/azure-data-processing",
    "PeteMigMarques/pythonFA",
    "ava-mlechavez/az-chat-app",
    "manvkaur/azure-functions-templates-mcp-server",
    "yazaratm/file-processor-function",
    "sana197111/azure-function-Rest-API-",
    "DomenicoAnzalone/cloud-job-orchestrator",
    "Epivaral/climaguate",
    # added 5 December 2026, fifth round: MCP tool triggers (the mcp_tool_trigger decorator with
    # toolProperties built from a list, a generic trigger of type mcpToolTrigger, a home-made
    # @mcp_tool decorator over a FunctionApp, apps under src/ and app/ with their own packages);
    # durable entities (a v2 DFApp with entities and blueprint packages, a v1 durable entity
    # app); the Event Hubs SDK-type extension (commented out and in use); v1 apps in a
    # sub-folder, wrapping Flask, and a v1 FastAPI wrapper; a learning repository with
    # a dozen apps, a v2 script beside v1 folders, and virtual environments committed under
    # other names than .venv; monorepos of several small v2 apps
    "GcmSandbox/remote-mcp-apim-functions-python",
    "eamonoreilly/azure-functions-openai-aisearch-mcp-python",
    "okoknik/azure-functions-container-mcp",
    "SebastianGodoy-CG/FastMCP-Functions",
    "anthonychu/20251006-python-mcp-simplified-decorator",
    "kevinflint-cs2/remote-mcp-functions-python",
    "Koviak/remote-mcp-functions-python",
    "anthonychu/durable-entities-agents",
    "savindi-wijenayaka/azure-durable-entity",
    "Mina69/AKSAutoUpgrade",
    "Azure-Samples/fastapi-on-azure-functions",
    "tolbargy/azure-function-python",
    "Planning-Inspectorate/odw-azure-functions",
    "chashea/compliance-advisor",
    "HZapperz/CaringGuide",
    "michalhope/azure-function",
    "duhk1980/Python",
    "Azure-Samples/functions-docs-python-v2",
    "pocketcalculator/azure-functions",
    "CoreyC315/Azure-Temp-Reader",
    # added 5 December 2026, sixth round (found with the file index: function_app.py at the
    # root, the first names of its listing not yet here; HttpTrigger1/function.json for v1
    # apps; src/function_app.py, among them Azure-Samples' azd quickstarts and an MCP
    # long-running-tools sample); eight more listed there had no snapshot to fetch
    "00marco/lolxmlexport",
    "0marsm0/youtube-rag-chatbot",
    "0o0r7/market-intelligence",
    "10-Juancho/Function_Azure_saludo",
    "11bztaylor/N2Av2",
    "2000DineshVenkat2000/Dynamic-Pricing-Function",
    "20austna/EvolveCapstone",
    "33-net/fxtradeapp",
    "4evapeachathome/ssripa",
    "70ser/azure-function",
    "7TRED/edu-api",
    "AA2030District/DetroitDashboard",
    "ACOVISA/EnvioMensagensTeams",
    "AKS2010/adlsdatamigrate",
    "ASISaga/aos-dispatcher",
    "Adamklein995/cloud-resume-backend",
    "Aitosoft/crawl4ai-function-clean",
    "Azure/azure-functions-docker-python-sample",
    "CFCIfe/azure-python-function",
    "FeliciaMarlove/azure-functions-http-and-queue-storage",
    "Hout/evohome-functions",
    "Lewince/P9",
    "S0Imyr/IA-P9-AzureFunction",
    "andrew-manca/PythonFileModules",
    "andrew-manca/PythonVariableRoute",
    "diberry/azure-functions-trigger-bindings",
    "dabedin/trip-python-functions",
    "213yuka/handson-function-azuresql",
    "AN1D31/Payflow-event-processing",
    "Azure-Samples/functions-quickstart-python-azd-eventgrid-blob",
    "Azure-Samples/functions-quickstart-python-azd-otel",
    "Azure-Samples/functions-quickstart-python-azd-timer",
    "Azure-Samples/mcp-functions-long-running-tools-python",
    "Azure-Samples/data-extraction-using-azure-content-understanding",
    "MicrosoftCloudEssentials-LearningHub/PDFs-Invoice-Processing-Fapp-OpenFramework",
    "PlumyCat/func-Office-Word-MCP-Server",
    "JohnServo24/fastapi-azure-functions-poc",
    "MahrRah/azure-storage-queue-monitor",
    "Evanlab02/ShoppingListApp",
    # added 6 December 2026, seventh round (the file index's listings of src/function_app.py,
    # function_app.py at the root and HttpTrigger1/function.json, names not in the corpus yet;
    # MCP tool apps, apps of 2025-2026, v1 apps; eleven more listed there had no snapshot to fetch,
    # three fetched were JavaScript apps and left out)
    "ASISaga/mcp-servers",
    "AlahmadiQ8/agent-sandbox",
    "AnthonyJPerez/AutomatedBlog",
    "Azure-Samples/remote-mcp-apim-functions-python",
    "BrayDev-Backend/arq-cloud-backend-serverless",
    "CMaC253/self-healing-pipelines",
    "Cloud2BR-MSFTLearningHub/PDFs-Layouts-Processing-Fapp-DocIntelligence",
    "DOliana/foundry-monitoring",
    "DevOps-zhuang/emu_scim_sync",
    "EviAleX/Weather-Monitoring-DE-Project",
    "GraafG/markitdown-powerplatform",
    "JimPaine/python-azure-functions",
    "KnowledgeRatio/nvd-mcp-func",
    "MauriceKuenicke/azure-function-bstorage-ingest",
    "Muksvso/mb-remote-mcp-functions-python",
    "NicoGrassetto/Event-driven-document-processing-accelerator",
    "NicoGrassetto/serverless-information-extraction",
    "Norris-Eng/GridWatch-API-Production",
    "PlumyCat/func-searxng-mcp",
    "RakeemRanger/bls-mcp",
    "SimonSchouHaue/WattOps",
    "Smijal-Mathew-Thomas/Azure-CSPM-Scanner",
    "ASISaga/realm-of-agents",
    "AdityaHegde23/asteroid-insights-platform",
    "Andy-Hoang/CICD-Azure-Functions",
    "5dishapatil/DefenseSwarm",
    "AakashNakarmi/qd-cc-agent-pipeline",
    "AnsonLai/Edge-Voice-Highlighter",
    "CSmallwood-1A/real-code-O365",
    "idvorkin/manager-book-redirect",
    "ks6088ts-labs/sandbox-python",
    "MrBenA/simple-azure-function-app-iac",
    "GHWithSrijon/az-datatransfer",
    "JLee794-Sandbox/AzFnSandbox",
    "ijoosong/fastapidemo",
    "BeeBarry/subvendorApiGenerator",
    "RakeemRanger/bls-azure-ai-foundry-agent",
    "Sreejit12345/routeIQhack",
    "GeorgeStevens13/Content-Understanding-Confidence-Logger",
    "Scientialibera/INVOICE-PROCESSING",
    "MicrosoftCloudEssentials-LearningHub/PDFs-MultiLayout-VisualCue-AzureAI-Document-Processing",
    "Splroak/add_member_telegram",
    "DayS1eeper/azure-functions-scalr-oidc-integration",
    # added 6 December 2026, eighth round (the file index's listings of func/, function/,
    # azure_function/ and azure-function/function_app.py: apps in a sub-folder of a repository
    # that holds their infrastructure; the code index: Event Grid triggers, SQL bindings in v1
    # apps, v1 Flask wrappers, Cosmos DB change-feed v1 apps, Service Bus queue and topic
    # samples; MCP tool apps of 2025-2026). Two more fetched hold no Functions app at their
    # newest commit (kjaymiller/fire-map, linuxgoose/python-monitoring); four had no snapshot
    # to fetch or were over the size limit
    "0-jam/azfunc",
    "Abed1985/MCP-Docs-Compliance-Lab",
    "Azure-Samples/azure-open-ai-rag-oyd-text-images",
    "BillmanH/exoplanets",
    "DamolAAkinleye/loganalytics-to-adls",
    "DevMLAI01/Azure-Data-Lake-and-AI-Triage",
    "DmitryKatson/bc-code-interpreter",
    "DoseiBrayin/Funciones",
    "HashRiz1/ai-alert-triage-pipeline",
    "ItsKev/url-shortener",
    "Kel202/azure-secret-rotation-pipeline",
    "Loupeznik/event-grid-vnet-peering-poc",
    "Ram-kalicheti/cloud-observability-agent",
    "Rnwl/ml-pdf-splitter",
    "Vinod-DevTools/GitHub-Actions",
    "ahmeds6016/mssp-threat-hunt-agent",
    "andrewbearsley/forticnapp-azure-eventhub-webhook-forwarder",
    "aymenfurter/github-runners-monitoring",
    "bonnie-mapipa/esri_gis_mcp",
    "charliewei0716/blob-data-sharing",
    "cjoakim/azure-cosmosdb",
    "cloudmercato/serverless-pyperf",
    "cwiederspan/cdw-pythoneventgrid-20240409",
    "epomatti/az-data-services",
    "hibbertda/az_ai-transltion-example",
    "hiroyay-ms/Serverless-Computing-using-Azure-Functions",
    "implodingduck/azure-function-client-cert",
    "implodingduck/azure-openai-function",
    "izzymsft/azure-confluent-cloud-to-synapse",
    "j-dahl7/lethal-trifecta-lab",
    "jesseamundsen/azduckmvt",
    "kottofy/DiscordSleepTimer",
    "kyle-chalmers/azure-sql-patent-intelligence",
    "lAnubisl/AzureFunctionPython",
    "loyvon/GithubMeta",
    "lulielmo/NSP-MCP-Connector",
    "mc5eamus/form-recognizer-search-skill",
    "petracarrion/azure-sandbox",
    "pvoPA/csv_automation",
    "pzohaycuoi/azure-prepare-docs-for-gpt",
    "rayburks/labs_devcontainer",
    "rbickel/Azure-AI-Search-RAG-skills",
    "ryan-schofield/durable-functions-ns-to-gcp",
    "scallighan/labby-mcp",
    "seonjaena/test",
    "subllings/azure-1-week-AzureFunction-SQLDatabase-PowerBi",
    "warnov/whisper-gpt",
    # added 6 December 2026, ninth round (the code index: blueprints registered under an `if`
    # on the app's start-up validation; Static Web Apps' api-python/ folders beside a
    # frontend; ASGI/WSGI wrappers, v1 and v2, and a custom handler; host.json files
    # with many settings (retry, healthMonitor, extensions.http); v1 durable apps; the old
    # `__app__` layout, whose functions import `__app__.` packages; a
    # cookiecutter template with `{{ cookiecutter.repo_name }}` folders; a v2 script beside
    # a v1 folder). Six more fetched hold no Functions app at their newest commit
    # (Sfix/fly_me_bot, mwgsnake/autonomous-control, samc0123/fastAPI_for_pfiApp,
    # samc0123/newPFIApp, AJStangl/FlaskApp, tt1125/lost-tamushun: left out) and three are
    # TypeScript or JavaScript apps (lechnerc77/AzureSimpleDurableEntity,
    # danieltskv/azure-durable-task-all-bug, lucy-green-larato/easy_ui_interface_swa: left out)
    "adamx97/randomNumberGenerator_AzureFunction",
    "jagudo27/tmv1swp-FA-deployment",
    "rob634/rmhdagmaster",
    "LLmHub-dev/llmhub-api",
    "cristianexer/azure-functions-cookiecutter",
    "Hazhzeng/functions-wsgi-demo",
    "Darcy-patto/azure-function-template",
    "anthonychu/20201129-asgi-functions",
    "athilog/django_serverless_init",
    "jagadishj03/fastapi-azure-function",
    "anthonychu/test-durable-python",
    "OD1995/FSECrowdTangle",
    "JulienDataScientist64/azure_func_reco",
    "mzazon/awesome-cloud-projects",
    "krassykirov/AzureFunctionPython",
    "jeffhollan/repro-python-rabbitmq",
    "jamesleighton95-code/surgical-outcomes-tracker",
    "ss31git/SS-app-launcher",
    "Rachelonline/crawlers",
    "jjgriff93/TrafficCollection",
    "ryanshepherd/slo_coronavirus_tweeter",
    "woakesd/oodapi",
    "Souvarine73/etl_blob_sqlite",
    # added 6 December 2026, tenth round (the file index's listings of .funcignore and
    # tests/test_function_app.py; repository names with functions-quickstart-python and
    # durable-functions-python; the code index: Event Hub, Cosmos DB and SQL bindings): the
    # azd quickstarts for SQL, Cosmos DB, Event Hubs and HTTP; an IoT Hub (Event Hub) trigger
    # with a Cosmos DB output; v1 durable apps and a v2 durable app waiting on external events;
    # v1 apps of 21-22 functions sharing code (one with two host.json); a custom-handler MCP
    # server with pyproject.toml only; a pyproject-only app with a tests folder; apps with
    # tests/ beside function_app.py, a blueprint package under src/, blueprints registered in a
    # loop over a list; a Service Bus subscriber with two app folders; a v2 script beside a v1
    # folder. Six more had no snapshot to fetch (ggailey777/...-service-bus,
    # lilyjma/durable-functions-python-model-evaluation, KingBain/datahub-resource-provisioner-func,
    # kkanakas/workday-mcp-azure-functions, torosent/durable-functions-quickstart-python-azd,
    # paulyuk/functions-quickstart-python-azd-sql) and six fetched hold no Python Functions app at
    # their newest commit (AltusDD/ecc-azure-orchestrator, Azure-Samples/azure-cosmos-throughput-
    # scheduler, Arisofia/loans-analytics, Ayanmullick/AzFuncFlex, 1084-Ventures/autogensocial-
    # contentorchestrator, Azure-Samples/durable-functions-python-model-evaluation: left out)
    "ggailey777/functions-quickstart-python-azd-sql",
    "Azure-Samples/functions-quickstart-python-azd-cosmosdb",
    "MadhuraBharadwaj-MSFT/functions-quickstart-python-azd-evhub",
    "Azure-Samples/functions-quickstart-python-http-azd",
    "manalotoj/durable-functions-python",
    "arjendev/durable-functions-python-external-events-issue-sample",
    "ricardolsmendes/azure-durablefunctions-python",
    "tyler555g/AzureDurableFunctionsExample",
    "AltusDD/empirecommandcenter",
    "AltusDD/altus-dropbox-integration",
    "AltusDD/ecc-functions-staging",
    "Azure-Samples/functions-mcp-inventory-server-python",
    "AndrewBlumhardt/sentinel-tvm-function-based-connector",
    "Ajaynano/sql-function-app",
    "Azure-Samples/functions-python-inceptionv3-inference",
    "JoranSlingerland/running-backend",
    "kjsystems/python_changefeed_tablestorage_sample",
    "conhgs/temp",
    "christopherhouse/Cross-Tenant-Service-Bus-Subscriber",
    "TaskarCenterAtUW/TDEI-scalar-function",
    "adw-91/acme-ssl-manager",
    "tsukashusan/functions-inputiothub-output-comosdb",
    "StateLibraryVictoria/ocr-azure-function",
    "ASISaga/business-infinity",
    "ehp246/python-practice",
    "kemurayama/azure-functions-python-fastai-sample",
    # added 6 December 2026, eleventh round (the file index's listings of
    # DurableFunctionsHttpStart/function.json, HttpStart/function.json, TimerTrigger/function.json,
    # src/functions/host.json and src/function_app.py): v1 durable apps (one syncing to SQL with
    # pyodbc, one map-reduce), a v1 durable app of 32 function folders, the v1 functions of an
    # accelerator with shared code, apps under src/functions, a repository of three v2 apps, a
    # vendored beautifulsoup4, small v1 and v2 apps.
    # Fetched and left out: no Python Functions app at the newest commit (Hardcoreprawn/ai-content-
    # farm, cabird/quickscribe, Azure-Samples/nida, Akaigg/venda-mais-avaliacao, Planning-
    # Inspectorate/ODW-Service, theomyway/AI-powered-Web-Crawler, secretanalytics/get-scrt-events,
    # Dwink213/api-observability-framework, monashcoding/discord-bday-python-bot,
    # nikkelly/pcSalesAnalysis, sidalimer/mini_projet_azure_pipeline)
    # or JavaScript/PowerShell apps (kingalione/azure-durable-functions-app, perso/durable-
    # functions-pdf, kmaka-serve/af-sqb2bak, Shashank2411/durable-fanin-fanout, Gagan0826/azure-
    # functions, equinor/data-marketplace-indexer, automationbrew/autobrew-datagen); fourteen
    # more had no snapshot to fetch
    "JoseGuz23/PlotScope",
    "microsoft/PubSec-Info-Assistant",
    "Across-Gaehwa-Mountain/JOBMATE_AI_BE",
    "NielR-Dev/ASCRA",
    "Maksym-Perehinets/Azure-functions",
    "harrygorden/MarketNews",
    "anthonychu/python-durable-functions-sql-sync",
    "Hazhzeng/python-durable-function",
    "aiak-47/AzureDurableFunctions",
    "dennisseah/auzre-durable-func-simple-wf",
    "elvinafahlgren/azure-durable-functions-mapreduce",
    "rukasakurai/durable_test_app",
    "Azure-Samples/podcast-synopsis-generation-openai",
    "Kelpieracer/minute-data-func",
    "SPWareing/AzureEcoTrigger",
    "SPWareing/AzureTimerTrigger",
    "XeongZin/ERcrawl",
    "ljtill/azure-functions-python",
    "macavall/PythonEventHubInOutFAV4",
    "sjlee-git/dpweather",
    "yus04/english-mail-summarize-app",
    "Lucaswillaert/EhBa",
    "Josh-Ness/StatTrack",
    "MariaPompiani/climate-analysis-project-cloud",
    "Shomao1998/weather-streaming-app",
    "jounitarvainen/energybot-rag",
    "RobertoBorges/FunctionSpeech",
    "ArulrajGopal/azure_function_test",
    # twelfth round (6 December 2026), found with the file index's listings of function_app.py,
    # src/function_app.py, api/function_app.py and HttpTrigger/function.json (Static Web Apps'
    # api/ folders, v1 apps of 2019-2021 on bundle 1.x, a pyproject-only Poetry app, blueprints
    # from a src/ package a workflow copies in, a Go custom handler kept for the folders funcls
    # takes for apps: yaegashi/rclonefunction).
    # Fetched and left out: JavaScript apps (BernieBI/AzureFuncIOT, danieltskv/azure-durable-
    # task-all-bug, lechnerc77/AzureSimpleDurableEntity, 4cylinder/ps5_bot), no Functions app
    # at the newest commit (Azure-Samples/ARGUS, Azure-Samples/moneta-agents, HyperGenius/
    # product-planner-api, AbderrahmenJdidi/anesthesiasafe, AZ-Cloud-Service/DevOPS), already left
    # out before (Akaigg/venda-mais-avaliacao); twenty more had no snapshot to fetch and one
    # (AKB1989/mypythonexp) could not be listed
    "00no00/AppServicePythonSample",
    "3361559784/qq-mail",
    "AA-Durocell/GenAIPlatform-Embed",
    "ASISaga/boardroom",
    "ASlakatos/picrights",
    "AV-01/Web-Scraping-ChatBot",
    "MrBenA/simple-function-app-iac-arcgis",
    "AurelieAAN/OP_Project9_AFC_Azure",
    "OD1995/FSEVideoDownloader",
    "OD1995/VideoIndexerUploader",
    "drmanhatin/remove_background_function",
    "AndrewBlumhardt/sentinel-activity-maps",
    "Arithmomaniac/subtitle-generator",
    "ColterLong/serverless-todo",
    "EcoNet-NZ/inaturalist-weed-status-updater",
    "JustinVerstijnen/DNSMegaTool",
    "KenjiPcx/Microsoft-Imagine-Cup-2024-FeynmanLearn",
    "2022ac05243/mlopsassignment2",
    "1Vishalvj/Case-Studies-Final",
    # and of backend/function_app.py, functions/function_app.py, TimerTrigger1/function.json
    "AgroHelpdesk/HackathonMicrosoftNov2025",
    "Aquila69420/comp3207-giftly",
    "EdWrayy/soton-guesser",
    "FlyingPotato437/ClimatizeAgent",
    "Juroza/AniMates",
    "KLayOnStudio/calc-card-game",
    "Bill-Haigh/bookish",
    "DVDJNBR/GRID_POWER_STREAM",
    "EleniKechrioti/azure-traffic-cv-pipeline",
    "MichealNestor01/azure-functions-sensor-network",
    "briglx/private_function_app",
    "chashea/purview-governance",
    "corybeyer/beyer-second-brain",
    "Iain-S/func_app_triggers",
    "isaacrlee/func-statcast",
    "kbaskett248/cosmos-db-test",
    "nmiles/azure-python-ha-nva-fo",
    "yaegashi/rclonefunction",
    "zsb8/Python_Azure_ScheduledReports",
    "mnakai3/url-monitor",
    # and of function_app.py at the top (a requirement.txt misspelled: Aadithya-Srivathsan)
    "AImran4445/Github-action-azure",
    "ASHS21/DSCWK1",
    "Aasma-Aas/Azure_Meal",
    "AbdulAJoblogic/playwright",
    "Aadithya-Srivathsan/project-repo",
)

# The child: stand-ins for modules that are not installed, then the worker's way of importing.
_ORACLE = r"""
import importlib, importlib.abc, importlib.machinery, importlib.metadata, importlib.util, json
import logging, os, sys
import types
logging.disable(logging.CRITICAL)
root = os.getcwd()
sys.path.insert(0, root)


class _Inert:
    def __init__(self, *a, **k): pass
    def __call__(self, *a, **k):
        if len(a) == 1 and callable(a[0]) and not k:
            return a[0]  # used as a decorator: leave the function as it is
        return _Inert()
    def __getattr__(self, name): return _Inert()
    def __iter__(self): return iter(())
    def __getitem__(self, key): return _Inert()
    def __mro_entries__(self, bases): return (object,)
    def __or__(self, other): return _Inert()  # `Client | None` in an annotation
    def __ror__(self, other): return _Inert()


class _Module(types.ModuleType):
    __path__ = []
    __all__ = []
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Inert()


ALL = os.environ.get("FUNCLS_CORPUS_STAND_IN") == "all"


def _inside(origin):
    return bool(origin) and os.path.abspath(origin).startswith(root + os.sep)


def _from_app():
    # whether the module being imported is imported by the app's own code
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(("<frozen", "<")):
        frame = frame.f_back
    return frame is not None and _inside(frame.f_code.co_filename)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or name == "azure":
            return None
        # A module missing from one of the app's own packages is missing on Azure too: the
        # import fails there (an app may catch that and fall back, as `from .function_app
        # import app` / `from function_app import app` does).
        parent = sys.modules.get(name.rpartition(".")[0]) if "." in name else None
        if parent is not None and any(_inside(p) for p in getattr(parent, "__path__", None) or ()):
            return None
        if name.startswith(("azure.functions", "azure.durable_functions")):
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            try:
                spec = finder.find_spec(name, path, target)
            except Exception:
                spec = None
            if spec is not None:
                locations = list(spec.submodule_search_locations or ()) + [spec.origin]
                if ALL and _from_app() and not any(_inside(p) for p in locations):
                    break  # second try: the app's own third-party imports are inert too
                return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        _STOOD_IN.add(spec.name.split(".")[0])
        return _Module(spec.name)
    def exec_module(self, module):
        pass


_STOOD_IN = set()
_installed_version = importlib.metadata.version


def _version(name):
    # A stood-in module has no distribution, and libraries ask for one: pydantic wants
    # email-validator 2.x before it builds a model with an EmailStr field.
    try:
        return _installed_version(name)
    except importlib.metadata.PackageNotFoundError:
        if name.lower().replace("-", "_") in _STOOD_IN:
            return "2.0.0"
        raise


importlib.metadata.version = _version
if ALL:
    sys.meta_path.insert(0, _Finder())
else:
    sys.meta_path.append(_Finder())
script = sys.argv[1]
mod = importlib.import_module(script[:-3].replace(os.sep, "."))
from azure.functions import FunctionRegister
out = {}
apps = 0
for value in list(vars(mod).values()):
    if isinstance(value, FunctionRegister):
        apps += 1
        for f in value.get_functions():
            out[f.get_function_name()] = json.loads(f.get_function_json())["bindings"]
print(json.dumps({"apps": apps}))
print(json.dumps(out))
"""


def export(repo_git: Path, dest: Path) -> str:
    """``git archive HEAD`` of a bare repository into ``dest``; returns the commit."""
    commit = subprocess.run(
        ["git", "--git-dir", str(repo_git), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    base = ["git", "--git-dir", str(repo_git), "archive", "--format=tar", "HEAD"]
    archive = subprocess.run(base, capture_output=True)
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
        return commit
    # Large binaries (models, images) may be absent from the mirror: copy the text files that
    # are there, one blob at a time.
    listing = subprocess.run(
        ["git", "--git-dir", str(repo_git), "ls-tree", "-r", "-z", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != "blob" or not path.endswith(_TEXT):
            continue
        blob = subprocess.run(
            ["git", "--git-dir", str(repo_git), "cat-file", "blob", parts[2]], capture_output=True
        )
        target = dest / path
        if blob.returncode != 0 or ".." in Path(path).parts:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
    return commit


_TEXT = (".py", ".json", ".txt", ".toml", ".funcignore", ".cfg", ".md")


def app_roots(top: Path) -> list[Path]:
    """Folders with host.json or function_app.py, or whose sub-folders hold function.json."""
    roots: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP and not d.startswith("."))
        here = Path(dirpath)
        v1 = any((here / d / "function.json").is_file() for d in dirnames)
        # function_app.py of a Python package (the library's own decorators/) is no app.
        script = "function_app.py" in filenames and "__init__.py" not in filenames
        # A package inside an app without host.json of its own is a part of that app (the host
        # reads function.json one level below the script root only).
        if (
            "__init__.py" in filenames
            and "host.json" not in filenames
            and any(root in here.parents for root in roots)
        ):
            continue
        if script or ((v1 or "host.json" in filenames) and _python(here)):
            roots.append(here)
    return roots


def _python(folder: Path) -> bool:
    """A Python app, not a C#/JavaScript/Java one: Python files at its root or in its function
    folders, or FUNCTIONS_WORKER_RUNTIME python in local.settings.json."""
    if any(folder.glob("*.py")) or any(folder.glob("*/*.py")):
        return True
    try:
        text = (folder / "local.settings.json").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return '"python"' in text.replace(" ", "").lower()


def v2_script(root: Path) -> str | None:
    name = "function_app.py"
    settings = root / "local.settings.json"
    try:
        values = json.loads(settings.read_text(encoding="utf-8-sig")).get("Values", {})
        name = values.get("PYTHON_SCRIPT_FILE_NAME") or name
    except (OSError, ValueError, AttributeError):
        pass
    return name if (root / name).is_file() else None


def oracle(root: Path, script: str, python: str) -> dict[str, Any]:
    """The library's index of the app: first with the installed packages and stand-ins for the
    missing ones; if the import fails, once more with every third-party module the app's own
    code imports replaced by a stand-in (an installed FastAPI, pydantic settings or database
    driver fails on configuration this machine does not have; the library does not need it to
    list the functions). The record says which try gave the answer."""
    first = _oracle_once(root, script, python, {})
    if "functions" in first:
        return first
    second = _oracle_once(root, script, python, {"FUNCLS_CORPUS_STAND_IN": "all"})
    if second.get("functions"):  # none at all: the app's functions came from a stand-in
        return {**second, "stand_ins": "all third-party imports of the app"}
    return first


def _oracle_once(root: Path, script: str, python: str, env: dict[str, str]) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [python, "-c", _ORACLE, script],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
        )
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    if proc.returncode != 0 or not proc.stdout.strip():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last[:300]}
    lines = proc.stdout.strip().splitlines()
    try:
        record: dict[str, Any] = {"functions": json.loads(lines[-1])}
        # How many function apps the script holds: with none the worker's index_function_app
        # raises ("Could not find top level function app instances", azure_functions_worker/
        # loader.py) and nothing loads, where an app with no function lets the host read the
        # function.json folders (bench/corpus_report.py _host_fallback).
        if len(lines) > 1 and lines[-2].startswith('{"apps": '):
            record["apps"] = json.loads(lines[-2])["apps"]
        return record
    except ValueError:
        return {"error": "unreadable output"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--out", default="/tmp/funcls-corpus")
    ap.add_argument("--python", default=sys.executable, help="interpreter with azure-functions")
    ap.add_argument(
        "--no-oracle",
        action="store_true",
        help="export and find the roots only: import no script of the corpus (no code of the"
        " fetched repositories runs; the report then has no functions to compare)",
    )
    args = ap.parse_args(argv)
    mirrors, out = Path(args.mirrors), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "repositories": [],
        "roots": [],
        "broken_fixtures": [],
        "oracle": not args.no_oracle,
    }
    missing: list[str] = []
    for name in sorted(REPOSITORIES):
        entry = mirrors / name.replace("/", "+")
        git = entry / "repo"
        if (git / ".git").is_dir():
            git = git / ".git"
        if not (git / "HEAD").is_file():
            missing.append(name)
            continue
        try:
            commit = export(git, out / entry.name)
        except subprocess.CalledProcessError as e:
            print(f"skipped {entry.name}: {e}", file=sys.stderr)
            continue
        found = app_roots(out / entry.name)
        manifest["repositories"].append(
            {"name": entry.name.replace("+", "/"), "commit": commit, "roots": len(found)}
        )
        for root in found:
            rel = str(root.relative_to(out))
            script = v2_script(root)
            record: dict[str, Any] = {"path": rel, "script": script}
            if script is not None and not args.no_oracle:
                record.update(oracle(root, script, args.python))
            manifest["roots"].append(record)
            kind = (
                "v1" if script is None else "v2 " + ("ok" if "functions" in record else "no oracle")
            )
            print(f"{rel}: {kind}")
        broken = out / entry.name / "tests" / "unittests" / "broken_functions"
        if broken.is_dir():
            for fixture in sorted(p for p in broken.iterdir() if p.is_dir()):
                manifest["broken_fixtures"].append(str(fixture.relative_to(out)))
    for name in missing:
        print(f"not in {mirrors}: {name} (fetch github:{name}, then run this again)")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    with_oracle = sum(1 for r in manifest["roots"] if "functions" in r)
    print(
        f"{len(manifest['repositories'])} repositories, {len(manifest['roots'])} app roots, "
        f"{with_oracle} with an oracle, {len(manifest['broken_fixtures'])} broken fixtures "
        f"-> {out / 'manifest.json'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
