"""SMSC's SOAP API (003 and smsc-soap.wsdl) on the same core as its HTTP API: spyne holds the
interface and reads and writes the messages; the operations reuse the HTTP commands' steps.

Importing this package does not import spyne (a tenth of a second): the endpoint loads it on
the first SOAP request, so a server that is never asked for SOAP starts without it.
"""

# The namespaces the live WSDLs have used: smsc.ru until 2018, smsc.ru since, smsc.ua (FACTS A.2).
NAMESPACES = ("http://smsc.ru/sys/soap.php", "https://smsc.ru/sys/soap.php",
              "http://smsc.ua/sys/soap.php")
DEFAULT_NAMESPACE = NAMESPACES[0]
MAX_ENVELOPE = 2 * 1024 * 1024
