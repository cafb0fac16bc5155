<?xml version="1.0" encoding="utf-8"?>
<!-- Keeps only the model types' and properties' summaries of KubernetesClient.xml (25 MB -> under 2 MB). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" indent="no" encoding="utf-8"/>
  <xsl:template match="/">
    <docs>
      <xsl:for-each select="doc/members/member[starts-with(@name, 'T:k8s.Models.') or starts-with(@name, 'P:k8s.Models.')]">
        <m n="{@name}"><xsl:value-of select="normalize-space(summary)"/></m>
      </xsl:for-each>
    </docs>
  </xsl:template>
</xsl:stylesheet>
